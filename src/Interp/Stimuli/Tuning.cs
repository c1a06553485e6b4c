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
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        model.RequireLayer(unit.Layer);
        var responses = new List<double>(stimuli.Count);
        using var _ = no_grad();
        for (int start = 0; start < stimuli.Count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            var batch = stimuli.Images[TensorIndex.Slice(start, Math.Min(start + batchSize, stimuli.Count))].to(model.Dtype);
            using var cache = model.RunWithCache(batch, [unit.Layer], stopEarly: true);
            var act = cache[unit.Layer];
            unit.Validate(act.shape);
            var ch = act.select(1, unit.Channel.Value);
            var value = ch.ndim == 1 ? ch
                : unit.Position is { } p ? ch.select(1, p.Y).select(1, p.X)
                : ch.select(1, ch.shape[1] / 2).select(1, ch.shape[2] / 2);
            responses.AddRange(value.to(float64).data<double>().ToArray());
        }
        return new TuningCurve<TParameter>(unit, [.. stimuli.Parameters.Zip(responses, (p, r) => new TuningPoint<TParameter>(p, r))]);
    }
}
