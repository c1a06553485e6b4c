using Interp.Hooks;
using Interp.Units;
using static TorchSharp.torch;

namespace Interp.Stimuli;

/// <summary>A unit's response to one stimulus.</summary>
public sealed record TuningPoint<TParameter>(TParameter Parameter, double Response);

/// <summary>
/// A unit's responses to a family of stimuli, as data: the points, the best stimulus, and summary measures.
/// </summary>
public sealed class TuningCurve<TParameter>(Unit unit, IReadOnlyList<TuningPoint<TParameter>> points)
{
    /// <summary>The unit measured (a channel at a position).</summary>
    public Unit Unit { get; } = unit;
    /// <summary>Every stimulus with the unit's response, in stimulus order.</summary>
    public IReadOnlyList<TuningPoint<TParameter>> Points { get; } = points;
    /// <summary>The strongest response.</summary>
    public double Peak => Points.Max(p => p.Response);
    /// <summary>The stimulus that drew <see cref="Peak"/>.</summary>
    public TParameter Best => Points.MaxBy(p => p.Response)!.Parameter;
    /// <summary>The mean response over the family.</summary>
    public double Mean => Points.Average(p => p.Response);

    /// <summary>Peak over mean of the responses clamped at 0 (ReLU-like): 1 for a flat curve, N when one stimulus of N responds; NaN when nothing responds.</summary>
    public double PeakToMean
    {
        get
        {
            double mean = Points.Average(p => Math.Max(0, p.Response));
            return mean > 0 ? Math.Max(0, Peak) / mean : double.NaN;
        }
    }

    /// <summary>
    /// Circular selectivity over an angle of the parameters: |Σ rᵢ·e^{iθᵢ}| / Σ rᵢ with responses clamped at 0, from 0
    /// (equal response in every direction) to 1 (one direction only), and the preferred angle (degrees in [0, 360)).
    /// Use twice the angle for axial quantities such as line orientation (period 180°).
    /// </summary>
    public (double Selectivity, double PreferredDegrees) Circular(Func<TParameter, double> degrees)
    {
        double sx = 0, sy = 0, sum = 0;
        foreach (var p in Points)
        {
            double r = Math.Max(0, p.Response), a = degrees(p.Parameter) * Math.PI / 180;
            sx += r * Math.Cos(a); sy += r * Math.Sin(a); sum += r;
        }
        if (sum <= 0) return (double.NaN, double.NaN);
        double preferred = Math.Atan2(sy, sx) * 180 / Math.PI;
        return (Math.Sqrt(sx * sx + sy * sy) / sum, (preferred + 360) % 360);
    }

    /// <summary>
    /// The responses as a grid, rows by <paramref name="row"/>'s distinct values and columns by <paramref name="column"/>'s
    /// (each in first-seen order), e.g. orientation × curvature; cells without a stimulus are NaN.
    /// </summary>
    public (IReadOnlyList<double> Rows, IReadOnlyList<double> Columns, double[,] Values) Grid(Func<TParameter, double> row, Func<TParameter, double> column)
    {
        var rows = Points.Select(p => row(p.Parameter)).Distinct().ToList();
        var cols = Points.Select(p => column(p.Parameter)).Distinct().ToList();
        var values = new double[rows.Count, cols.Count];
        for (int i = 0; i < rows.Count; i++) for (int j = 0; j < cols.Count; j++) values[i, j] = double.NaN;
        foreach (var p in Points) values[rows.IndexOf(row(p.Parameter)), cols.IndexOf(column(p.Parameter))] = p.Response;
        return (rows, cols, values);
    }
}

/// <summary>Measures units' responses to stimulus families.</summary>
public static class Tuning
{
    /// <summary>
    /// The response of <paramref name="unit"/> to every stimulus of <paramref name="stimuli"/>: the unit's channel at its
    /// position, or at the centre of the layer's map when the unit names none (as Lucid's neuron objective). The model runs
    /// only up to the unit's layer, in batches of <paramref name="batchSize"/>.
    /// </summary>
    public static TuningCurve<TParameter> Measure<TParameter>(HookedModel model, Unit unit, StimulusSet<TParameter> stimuli, int batchSize = 32)
    {
        if (unit.Channel is null) throw new ArgumentException($"'{unit}' names no channel; a tuning curve is measured for one channel, e.g. '{unit.Layer}:0'.", nameof(unit));
        model.RequireLayer(unit.Layer);
        unit.Validate(model.Layer(unit.Layer, (int)stimuli.Images.shape[2]).Shape);
        var all = LayerResponses(model, unit.Layer, stimuli.Images, unit.Position, batchSize);
        int channel = unit.Channel.Value;
        return new TuningCurve<TParameter>(unit, [.. stimuli.Parameters.Select((p, i) => new TuningPoint<TParameter>(p, all[i, channel]))]);
    }

    /// <summary>
    /// Every channel's response to every image [images, channels]: the layer's activation at <paramref name="position"/>, or at
    /// the centre of its map when none is given (a layer without a map, [N, C], is read as it is). The model runs only up to
    /// the layer, in batches of <paramref name="batchSize"/>.
    /// </summary>
    public static double[,] LayerResponses(HookedModel model, string layer, Tensor images, SpatialPosition? position = null, int batchSize = 32)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        model.RequireLayer(layer);
        long n = images.shape[0];
        double[,]? result = null;
        using var _ = no_grad();
        for (long start = 0; start < n; start += batchSize)
        {
            using var scope = NewDisposeScope();
            using var cache = model.RunWithCache(images[TensorIndex.Slice(start, Math.Min(start + batchSize, n))].to(model.Dtype), [layer], stopEarly: true);
            var act = cache[layer];
            var at = act.ndim == 2 ? act
                : position is { } p ? act[.., .., p.Y, p.X]
                : act[.., .., act.shape[2] / 2, act.shape[3] / 2];
            long rows = at.shape[0], channels = at.shape[1];
            result ??= new double[n, channels];
            var data = at.to(float64).contiguous().data<double>().ToArray();
            for (long i = 0; i < rows; i++) for (long c = 0; c < channels; c++) result[start + i, c] = data[i * channels + c];
        }
        return result ?? throw new ArgumentException("There are no images to measure.", nameof(images));
    }
}
