using Interp.Hooks;
using static TorchSharp.torch;

namespace Interp.Circuits;

/// <summary>One patch: which part of the layer came from the clean run, and the metric with it in place.</summary>
/// <param name="Channel">The patched channel, or null when every channel at a position was patched.</param>
/// <param name="Y">The patched row, or null when the whole map of a channel was patched.</param>
/// <param name="X">The patched column, or null with <paramref name="Y"/>.</param>
public sealed record Patch(string Layer, int? Channel, int? Y, int? X, double Metric);

/// <summary>
/// The result of an activation-patching experiment: the metric on the clean and the corrupted input, and on the
/// corrupted input with each patch in place.
/// </summary>
public sealed record PatchingReport(double Clean, double Corrupted, IReadOnlyList<Patch> Patches)
{
    /// <summary>How much of the clean-minus-corrupted gap a patch closes: 0 nothing, 1 all of it (NaN when there is no gap).</summary>
    public double Recovered(Patch patch) => Clean == Corrupted ? double.NaN : (patch.Metric - Corrupted) / (Clean - Corrupted);
}

/// <summary>
/// Activation patching (causal tracing) for image models, as TransformerLens does for language models: run a clean and a
/// corrupted input, copy one part of a layer's activation (a channel, or every channel at one position) from the clean
/// run into the corrupted run, and measure how far the metric moves back. The metric reads the model's output, or a
/// later layer's activation when <c>metricLayer</c> is given (then the model stops there).
/// </summary>
public static class ActivationPatching
{
    /// <summary>
    /// Patches each of <paramref name="channels"/> (default: all) of <paramref name="layer"/> in turn, over the whole map.
    /// <paramref name="batchSize"/> patched runs go through the model together (1: one run per patch).
    /// </summary>
    public static PatchingReport Channels(HookedModel model, Tensor clean, Tensor corrupted, string layer, Func<Tensor, double> metric,
        IEnumerable<int>? channels = null, string? metricLayer = null, int batchSize = 1)
    {
        using var cleanAct = Capture(model, clean, layer);
        long c = cleanAct.shape[1];
        var list = (channels ?? Enumerable.Range(0, (int)c)).ToList();
        ChannelList.RequireInRange(layer, list, c, nameof(channels));
        return Experiment(model, clean, corrupted, layer, metric, metricLayer, cleanAct, batchSize,
            list.Select(ch => (new Patch(layer, ch, null, null, 0), new TensorIndex[] { TensorIndex.Colon, ch })));
    }

    /// <summary>
    /// Patches every channel of <paramref name="layer"/> at each spatial position in turn (or at each of <paramref name="at"/>,
    /// given as (row, column)). <paramref name="batchSize"/> patched runs go through the model together.
    /// </summary>
    public static PatchingReport Positions(HookedModel model, Tensor clean, Tensor corrupted, string layer, Func<Tensor, double> metric, string? metricLayer = null,
        IEnumerable<(int Y, int X)>? at = null, int batchSize = 1)
    {
        using var cleanAct = Capture(model, clean, layer);
        if (cleanAct.ndim != 4) throw new ArgumentException($"'{layer}' gives [{string.Join(", ", cleanAct.shape)}]; patching positions needs a spatial layer [N, C, H, W].",
            nameof(layer));
        int h = (int)cleanAct.shape[2], w = (int)cleanAct.shape[3];
        var places = (at ?? (from y in Enumerable.Range(0, h) from x in Enumerable.Range(0, w) select (y, x))).ToList();
        foreach (var (y, x) in places)
            if (y < 0 || y >= h || x < 0 || x >= w)
                throw new ArgumentOutOfRangeException(nameof(at), (y, x), $"'{layer}' has rows 0..{h - 1} and columns 0..{w - 1}.");
        return Experiment(model, clean, corrupted, layer, metric, metricLayer, cleanAct, batchSize,
            places.Select(p => (new Patch(layer, null, p.Item1, p.Item2, 0), new TensorIndex[] { TensorIndex.Colon, TensorIndex.Colon, p.Item1, p.Item2 })));
    }

    /// <summary>The metric on the clean run, the corrupted run, and the corrupted run with each part (<c>At</c>) of the layer taken from the clean run.</summary>
    static PatchingReport Experiment(HookedModel model, Tensor clean, Tensor corrupted, string layer, Func<Tensor, double> metric, string? metricLayer,
        Tensor cleanAct, int batchSize, IEnumerable<(Patch Patch, TensorIndex[] At)> parts)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        if (!clean.shape.SequenceEqual(corrupted.shape))
            throw new ArgumentException($"The clean [{string.Join(", ", clean.shape)}] and corrupted [{string.Join(", ", corrupted.shape)}] inputs must have the same shape.",
                nameof(corrupted));
        var list = parts.ToList();
        var patches = new List<Patch>(list.Count);
        for (int start = 0; start < list.Count; start += batchSize)
        {
            var group = list.Skip(start).Take(batchSize).ToList();
            long n = corrupted.shape[0];
            var metrics = Measure(model, corrupted, group.Count, layer, metric, metricLayer, output =>
            {
                var patched = output.clone();
                for (int g = 0; g < group.Count; g++)
                {
                    using var part = patched[TensorIndex.Slice(g * n, (g + 1) * n)];
                    part[group[g].At] = cleanAct[group[g].At];
                }
                return patched;
            });
            patches.AddRange(group.Select((p, g) => p.Patch with { Metric = metrics[g] }));
        }
        return new PatchingReport(Measure(model, clean, 1, layer, metric, metricLayer, null)[0], Measure(model, corrupted, 1, layer, metric, metricLayer, null)[0], patches);
    }

    static Tensor Capture(HookedModel model, Tensor image, string layer)
    {
        using var _ = no_grad();
        using var cache = model.RunWithCache(image.to(model.Dtype), [layer], stopEarly: true);
        return cache[layer].clone().DetachFromDisposeScope();
    }

    /// <summary>
    /// Runs <paramref name="copies"/> copies of <paramref name="image"/> in one batch with <paramref name="patch"/> editing the layer
    /// (it sees all copies at once) and returns the metric of each copy.
    /// </summary>
    static double[] Measure(HookedModel model, Tensor image, int copies, string layer, Func<Tensor, double> metric, string? metricLayer, Func<Tensor, Tensor>? patch)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var hook = patch is null ? null : model.Hook(layer, t => patch(t));
        long n = image.shape[0];
        var batch = (copies == 1 ? image : image.repeat(copies, 1, 1, 1)).to(model.Dtype);
        Tensor result;
        ActivationCache? cache = null;
        try
        {
            if (metricLayer is null) result = model.Forward(batch);
            else
            {
                cache = model.RunWithCache(batch, [metricLayer], stopEarly: true);
                result = cache[metricLayer];
            }
            return [.. Enumerable.Range(0, copies).Select(g => metric(copies == 1 ? result : result[TensorIndex.Slice(g * n, (g + 1) * n)]))];
        }
        finally
        {
            cache?.Dispose();
        }
    }
}
