using Interp.Hooks;
using static TorchSharp.torch;

namespace Interp.Circuits;

/// <summary>
/// Model editing by hooks: ablate channels of a layer (to zero or to their mean over a dataset) or replace them with
/// units of your own (e.g. hand-written curve detectors). Each edit lasts until its handle is disposed; the model's
/// weights are never changed, so ending the scope restores the original model exactly.
/// </summary>
public static class UnitEdits
{
    /// <summary>Sets <paramref name="channels"/> of <paramref name="layer"/> to 0 at every position.</summary>
    public static HookHandle Zero(HookedModel model, string layer, IReadOnlyList<int> channels) =>
        Replace(model, layer, channels, output =>
        {
            var shape = output.shape.ToArray();
            shape[1] = channels.Count;
            return zeros(shape, dtype: output.dtype, device: output.device);
        });

    /// <summary>
    /// Sets <paramref name="channels"/> of <paramref name="layer"/> to their mean activation: <paramref name="means"/> holds one
    /// value per channel of the layer [C] (see <see cref="ChannelMeans"/>), or a map per channel [C, H, W].
    /// </summary>
    public static HookHandle Mean(HookedModel model, string layer, IReadOnlyList<int> channels, Tensor means)
    {
        long c = model.Layer(layer).Shape[1];
        if (means.shape[0] != c || (means.ndim != 1 && means.ndim != 3))
            throw new ArgumentException($"'{layer}' has {c} channels: give means as [{c}] or [{c}, H, W]; got [{string.Join(", ", means.shape)}].", nameof(means));
        foreach (var ch in channels)
            if (ch < 0 || ch >= c) throw new ArgumentOutOfRangeException(nameof(channels), ch, $"'{layer}' has channels 0..{c - 1}.");
        using var idx = tensor(channels.Select(ch => (long)ch).ToArray());
        var selected = means.index_select(0, idx).DetachFromDisposeScope();
        var handle = Replace(model, layer, channels, output =>
        {
            var m = selected.to(output.dtype, output.device);
            var view = m.ndim == 1 ? m.view(1, -1, 1, 1) : m.unsqueeze(0);
            var shape = output.shape.ToArray();
            shape[1] = channels.Count;
            return view.expand(shape);
        });
        return HookedModel.Combine([handle, new HookHandle(selected.Dispose)]);
    }

    /// <summary>
    /// Replaces <paramref name="channels"/> of <paramref name="layer"/> by <paramref name="replacement"/>, which receives the
    /// layer's output [N, C, H, W] and returns the new values of those channels [N, channels, H, W] (in the given order).
    /// </summary>
    public static HookHandle Replace(HookedModel model, string layer, IReadOnlyList<int> channels, Func<Tensor, Tensor> replacement)
    {
        model.RequireLayer(layer);
        long c = model.Layer(layer).Shape[1];
        if (channels.Count == 0) throw new ArgumentException("Name at least one channel to edit.", nameof(channels));
        ChannelList.RequireInRange(layer, channels, c, nameof(channels));
        if (channels.Distinct().Count() != channels.Count) throw new ArgumentException($"Channels repeat: {string.Join(", ", channels)}.", nameof(channels));
        var index = channels.Select(ch => (long)ch).ToArray();
        return model.Hook(layer, output =>
        {
            var values = replacement(output);
            var expected = output.shape.ToArray();
            expected[1] = channels.Count;
            if (!values.shape.SequenceEqual(expected))
                throw new InvalidOperationException($"The replacement for {channels.Count} channel(s) of '{layer}' must be [{string.Join(", ", expected)}]; it gave " +
                    $"[{string.Join(", ", values.shape)}].");
            using var idx = tensor(index, device: output.device);
            return output.index_copy(1, idx, values.to(output.dtype));
        });
    }

    /// <summary>
    /// Replaces <paramref name="channels"/> of <paramref name="layer"/> by a function of an earlier layer's activation in the
    /// same forward pass (an artificial unit built on <paramref name="sourceLayer"/>, e.g. tiled edge detectors).
    /// </summary>
    public static HookHandle ReplaceFrom(HookedModel model, string layer, IReadOnlyList<int> channels, string sourceLayer, Func<Tensor, Tensor> unit)
    {
        model.RequireLayer(sourceLayer);
        Tensor? latest = null;
        var read = model.Hook(sourceLayer, t => { latest = t; return null; });
        try
        {
            var write = Replace(model, layer, channels, _ => unit(latest ?? throw new InvalidOperationException(
                $"'{sourceLayer}' did not run before '{layer}' in this forward pass; an artificial unit must read an earlier layer.")));
            return HookedModel.Combine([write, read, new HookHandle(() => latest = null)]);
        }
        catch
        {
            read.Dispose();
            throw;
        }
    }

    /// <summary>The mean activation of every channel of <paramref name="layer"/> over <paramref name="images"/> [N, 3, H, W] → [C].</summary>
    public static Tensor ChannelMeans(HookedModel model, string layer, Tensor images, int batchSize = 32)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be at least 1.");
        if (images.ndim != 4 || images.shape[0] < 1) throw new ArgumentException($"Give images [N, 3, H, W] with N ≥ 1; got [{string.Join(", ", images.shape)}].", nameof(images));
        using var _ = no_grad();
        Tensor? sum = null;
        for (long start = 0; start < images.shape[0]; start += batchSize)
        {
            using var scope = NewDisposeScope();
            using var cache = model.RunWithCache(images[TensorIndex.Slice(start, Math.Min(images.shape[0], start + batchSize))].to(model.Dtype), [layer], stopEarly: true);
            var part = cache[layer].to(float64).mean([2, 3]).sum([0]);
            var total = sum is null ? part : sum + part;
            sum?.Dispose();
            sum = total.MoveToOuterDisposeScope();
        }
        if (sum is null) throw new ArgumentException("Give at least one image.", nameof(images));
        using (sum) return (sum / images.shape[0]).to(float32);
    }
}
