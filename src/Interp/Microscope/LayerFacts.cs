using Interp.Circuits;
using Interp.Datasets;
using Interp.Hooks;
using Interp.Images;
using Interp.Stimuli;
using Interp.Units;
using static TorchSharp.torch;

namespace Interp.Microscope;

/// <summary>
/// What a Microscope shard measures once per layer before it builds pages: the dataset scan (with its sample), the receptive
/// field geometry, the curve search over every channel, and the expanded weights to each unit of the next layer (kept only for
/// the shard's own units). Each is computed the same way whichever shard asks, so pages do not depend on the sharding.
/// </summary>
sealed class LayerFacts : IDisposable
{
    readonly string _layer;
    readonly MicroscopeSettings _settings;
    readonly string? _inputLayer, _outputLayer;
    readonly Dictionary<int, int> _row = [];            // unit of this layer → row of the output kernels
    readonly List<Tensor?> _outputKernels = [];         // per unit of the next layer: [shard's units, kh, kw]; null if not linear
    readonly double[,]? _outputSums;                    // [next layer's units, shard's units]; NaN where not linear

    LayerFacts(string layer, MicroscopeSettings settings, string? inputLayer, string? outputLayer, ScanResult scan, FieldGeometry field,
        IReadOnlyList<CurveCandidate>? curves, string? curveNote, IReadOnlyList<int> units, double[,]? outputSums, List<Tensor?> outputKernels)
    {
        (_layer, _settings, _inputLayer, _outputLayer, Scan, Field, Curves, CurveNote) = (layer, settings, inputLayer, outputLayer, scan, field, curves, curveNote);
        for (int i = 0; i < units.Count; i++) _row[units[i]] = i;
        _outputSums = outputSums;
        _outputKernels = outputKernels;
    }

    public ScanResult Scan { get; }
    public FieldGeometry Field { get; }
    public CurveCriteria Criteria { get; } = new();
    /// <summary>Every channel's curve search result, or null when the search cannot run on the layer (<see cref="CurveNote"/>).</summary>
    public IReadOnlyList<CurveCandidate>? Curves { get; }
    public string? CurveNote { get; }
    /// <summary>Why the outputs, or those to some units of the next layer, could not be computed, when they could not.</summary>
    public string? OutputsNote { get; private init; }
    /// <summary>The time <see cref="Measure"/> took.</summary>
    public TimeSpan Preparation { get; private init; }

    /// <summary>Measures the layer's facts for the shard whose units are <paramref name="units"/>.</summary>
    public static LayerFacts Measure(HookedModel model, string layer, IImageSource images, MicroscopeSettings settings, string? inputLayer, string? outputLayer,
        IReadOnlyList<int> units, string scanCheckpoint, CancellationToken cancellation)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var scan = DatasetScan.Run(model, layer, images, new ScanSettings(Size: settings.ScanSize, TopK: settings.Examples, Sample: settings.Sample),
            checkpointPath: scanCheckpoint, cancellation: cancellation);
        if (scan.Sample.Count == 0)
            throw new InvalidDataException($"No image of '{images.Name}' could be read ({scan.Skipped.Count} skipped, e.g. {scan.Skipped.FirstOrDefault()?.ImageId}: " +
                $"{scan.Skipped.FirstOrDefault()?.Reason}); the dataset examples need at least one.");
        var field = ReceptiveFields.GeometryFor(model, layer, settings.ScanSize);

        IReadOnlyList<CurveCandidate>? curves = null;
        string? note = null;
        try
        {
            curves = CurveSearch.Measure(model, layer, scan.Peaks(), style: new StimulusStyle(Size: settings.ScanSize));
        }
        catch (ArgumentException e)
        {
            note = $"The curve search cannot run on {layer}: {e.Message}";
        }

        double[,]? sums = null;
        var kernels = new List<Tensor?>();
        string? outputsNote = null;
        if (outputLayer is not null && settings.Links > 0)
        {
            // Each unit of the next layer separately: in an Inception block some branches are convolutions of the layer
            // (linear, so they get links) and one goes through a max pool (not linear, so it gets none).
            int next = (int)model.Layer(outputLayer, settings.ScanSize).Shape[1];
            sums = new double[next, units.Count];
            using var rows = tensor(units.Select(u => (long)u).ToArray());
            var blocked = new List<int>();
            string? reason = null;
            for (int d = 0; d < next; d++)
            {
                cancellation.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                ExpandedWeight weight;
                try
                {
                    weight = ExpandedWeights.Between(model, layer, new Unit(outputLayer, d), settings.ScanSize);
                }
                catch (InvalidOperationException e)
                {
                    blocked.Add(d);
                    reason ??= e.Message;
                    for (int i = 0; i < units.Count; i++) sums[d, i] = double.NaN;
                    kernels.Add(null);
                    continue;
                }
                using (weight)
                {
                    var mine = weight.Weights.index_select(0, rows);
                    var sum = mine.to(float64).sum([1, 2]).data<double>().ToArray();
                    for (int i = 0; i < units.Count; i++) sums[d, i] = sum[i];
                    kernels.Add(mine.contiguous().MoveToOuterDisposeScope());
                }
            }
            if (blocked.Count == next)
            {
                sums = null;
                kernels.Clear();
                outputsNote = $"No outputs to {outputLayer}: {reason}";
            }
            else if (blocked.Count > 0)
                outputsNote = $"Outputs to {next - blocked.Count} of the {next} units of {outputLayer} only; its units {Ranges(blocked)} " +
                              $"cannot be reached linearly: {reason}";
        }
        return new LayerFacts(layer, settings, inputLayer, outputLayer, scan, field, curves, note, units, sums, kernels)
        {
            OutputsNote = outputsNote,
            Preparation = watch.Elapsed,
        };
    }

    /// <summary>The orientation tuning of those of <paramref name="channels"/> that pass the curve criteria.</summary>
    public IReadOnlyDictionary<int, TuningCurve<Arc>> OrientationCurves(HookedModel model, IReadOnlyList<int> channels)
    {
        if (Curves is null) return new Dictionary<int, TuningCurve<Arc>>();
        var passing = channels.Select(c => Curves[c]).Where(c => c.Passes(Criteria)).ToList();
        return CurveSearch.OrientationCurves(model, _layer, passing, style: new StimulusStyle(Size: _settings.ScanSize)).ToDictionary(t => t.Unit.Channel!.Value);
    }

    /// <summary>
    /// The strongest positive and negative inputs of <paramref name="channel"/> from the layer before, their kernels written into
    /// <paramref name="unitDir"/>; none, with the reason, when the expanded weights cannot be computed.
    /// </summary>
    public (List<WeightLink> Positive, List<WeightLink> Negative, string? Note) Inputs(HookedModel model, int channel, string unitDir)
    {
        if (_inputLayer is null || _settings.Links == 0) return ([], [], null);
        var centre = model.Layer(_layer, _settings.ScanSize).Shape;
        ExpandedWeight weight;
        try
        {
            weight = ExpandedWeights.Between(model, _inputLayer, new Unit(_layer, channel, new SpatialPosition((int)centre[2] / 2, (int)centre[3] / 2)), _settings.ScanSize);
        }
        catch (InvalidOperationException e)
        {
            return ([], [], $"No inputs from {_inputLayer}: {e.Message}");
        }
        using (weight)
        {
            var sums = weight.Weights.to(float64).sum([1, 2]).data<double>().ToArray();
            var (positive, negative) = Links(_inputLayer, sums, i => weight.Weights[i], "in", unitDir);
            return (positive, negative, null);
        }
    }

    /// <summary>The strongest positive and negative outputs of <paramref name="channel"/> to the next layer, their kernels written into <paramref name="unitDir"/>.</summary>
    public (List<WeightLink> Positive, List<WeightLink> Negative) Outputs(int channel, string unitDir)
    {
        if (_outputLayer is null || _outputSums is null) return ([], []);
        int row = _row[channel];
        var sums = Enumerable.Range(0, _outputSums.GetLength(0)).Select(d => _outputSums[d, row]).ToArray();
        return Links(_outputLayer, sums, d => _outputKernels[d]![row], "out", unitDir);
    }

    (List<WeightLink>, List<WeightLink>) Links(string otherLayer, double[] sums, Func<int, Tensor> kernel, string prefix, string unitDir)
    {
        using var scope = NewDisposeScope();
        var order = Enumerable.Range(0, sums.Length).Where(i => !double.IsNaN(sums[i])).OrderByDescending(i => sums[i]).ThenBy(i => i).ToList();
        var positive = order.Take(_settings.Links).Where(i => sums[i] > 0).ToList();
        var negative = order.AsEnumerable().Reverse().Take(_settings.Links).Where(i => sums[i] < 0).ToList();
        var shown = positive.Concat(negative).ToList();
        double scale = shown.Count == 0 ? 1 : Math.Max(1e-12, shown.Max(i => kernel(i).abs().max().item<float>()));
        WeightLink Link(int other)
        {
            var file = $"{prefix}-{other}.png";
            using var picture = WeightImages.Diverging(kernel(other), scale);
            MicroscopeSite.WriteBytes(Path.Combine(unitDir, file), ImageIO.ToPng(picture, clamp: true));
            return new WeightLink(otherLayer, other, sums[other], file);
        }
        return ([.. positive.Select(Link)], [.. negative.Select(Link)]);
    }

    /// <summary>Sorted channels as ranges, e.g. "416-479" or "3,7-9".</summary>
    static string Ranges(IReadOnlyList<int> sorted)
    {
        var parts = new List<string>();
        for (int i = 0; i < sorted.Count;)
        {
            int j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(i == j ? $"{sorted[i]}" : $"{sorted[i]}-{sorted[j]}");
            i = j + 1;
        }
        return string.Join(",", parts);
    }

    public void Dispose()
    {
        foreach (var k in _outputKernels) k?.Dispose();
        _outputKernels.Clear();
    }
}
