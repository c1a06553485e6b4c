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
    /// <summary>Patches each of <paramref name="channels"/> (default: all) of <paramref name="layer"/> in turn, over the whole map.</summary>
    public static PatchingReport Channels(HookedModel model, Tensor clean, Tensor corrupted, string layer, Func<Tensor, double> metric,
        IEnumerable<int>? channels = null, string? metricLayer = null)
    {
        using var cleanAct = Capture(model, clean, layer);
        long c = cleanAct.shape[1];
        var list = (channels ?? Enumerable.Range(0, (int)c)).ToList();
        ChannelList.RequireInRange(layer, list, c, nameof(channels));
        return Experiment(model, clean, corrupted, layer, metric, metricLayer, cleanAct,
            list.Select(ch => (new Patch(layer, ch, null, null, 0), new TensorIndex[] { TensorIndex.Colon, ch })));
    }

    /// <summary>Patches every channel of <paramref name="layer"/> at each spatial position in turn.</summary>
    public static PatchingReport Positions(HookedModel model, Tensor clean, Tensor corrupted, string layer, Func<Tensor, double> metric, string? metricLayer = null)
    {
        using var cleanAct = Capture(model, clean, layer);
        if (cleanAct.ndim != 4) throw new ArgumentException($"'{layer}' gives [{string.Join(", ", cleanAct.shape)}]; patching positions needs a spatial layer [N, C, H, W].", nameof(layer));
        var places = from y in Enumerable.Range(0, (int)cleanAct.shape[2])
                     from x in Enumerable.Range(0, (int)cleanAct.shape[3])
                     select (new Patch(layer, null, y, x, 0), new TensorIndex[] { TensorIndex.Colon, TensorIndex.Colon, y, x });
        return Experiment(model, clean, corrupted, layer, metric, metricLayer, cleanAct, places);
    }

    /// <summary>The metric on the clean run, the corrupted run, and the corrupted run with each part (<c>At</c>) of the layer taken from the clean run.</summary>
    static PatchingReport Experiment(HookedModel model, Tensor clean, Tensor corrupted, string layer, Func<Tensor, double> metric, string? metricLayer,
        Tensor cleanAct, IEnumerable<(Patch Patch, TensorIndex[] At)> parts)
    {
        var patches = parts.Select(p => p.Patch with
        {
            Metric = Measure(model, corrupted, layer, metric, metricLayer, output =>
            {
                var patched = output.clone();
                patched[p.At] = cleanAct[p.At];
                return patched;
            }),
        }).ToList();
        return new PatchingReport(Measure(model, clean, layer, metric, metricLayer, null), Measure(model, corrupted, layer, metric, metricLayer, null), patches);
    }

    static Tensor Capture(HookedModel model, Tensor image, string layer)
    {
        using var _ = no_grad();
        using var cache = model.RunWithCache(image.to(model.Dtype), [layer], stopEarly: true);
        return cache[layer].clone().DetachFromDisposeScope();
    }

    static double Measure(HookedModel model, Tensor image, string layer, Func<Tensor, double> metric, string? metricLayer, Func<Tensor, Tensor>? patch)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var hook = patch is null ? null : model.Hook(layer, t => patch(t));
        if (metricLayer is null) return metric(model.Forward(image.to(model.Dtype)));
        using var cache = model.RunWithCache(image.to(model.Dtype), [metricLayer], stopEarly: true);
        return metric(cache[metricLayer]);
    }
}
