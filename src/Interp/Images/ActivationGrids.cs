using Interp.Hooks;
using static TorchSharp.torch;

namespace Interp.Images;

/// <summary>How activation maps are scaled to colours.</summary>
public enum ActivationScale
{
    /// <summary>Each channel by its own min and max: shows every channel's pattern.</summary>
    PerChannel,
    /// <summary>All channels by the shared min and max: shows which channels are strong.</summary>
    Shared,
}

/// <summary>Turns activations into image grids.</summary>
public static class ActivationGrids
{
    /// <summary>
    /// A grid of channel maps from an activation [1, C, H, W] or [C, H, W]: by default the
    /// <paramref name="count"/> channels with the largest mean activation, coloured with <paramref name="colormap"/>.
    /// </summary>
    public static ImageGrid Channels(Tensor activation, string layer, IReadOnlyList<int>? channels = null, int count = 16,
        int columns = 8, ActivationScale scale = ActivationScale.PerChannel, Colormap? colormap = null, int cellPixels = 96)
    {
        using var scope = NewDisposeScope();
        var act = activation.detach().cpu().to(float32);
        if (act.ndim == 4)
        {
            if (act.shape[0] != 1) throw new ArgumentException($"Give one image's activation ([1,C,H,W] or [C,H,W]); got a batch of {act.shape[0]}. Select one with act[i].");
            act = act.squeeze(0);
        }
        if (act.ndim != 3) throw new ArgumentException($"Channel grids need a spatial activation [C,H,W]; got [{string.Join(",", activation.shape)}].");
        long c = act.shape[0];
        var chosen = channels?.ToList() ?? TopChannels(act, Math.Min(count, (int)c));
        foreach (var ch in chosen)
            if (ch < 0 || ch >= c) throw new ArgumentOutOfRangeException(nameof(channels), $"Channel {ch} is outside layer '{layer}', which has channels 0..{c - 1}.");
        var cmap = colormap ?? Colormap.Viridis;
        var maps = act.index_select(0, tensor(chosen.Select(x => (long)x).ToArray()));
        Tensor norm;
        if (scale == ActivationScale.Shared) norm = Images.ImageTensors.Normalize(maps);
        else
        {
            var flat = maps.flatten(1);
            var lo = flat.min(1).values.view(-1, 1, 1);
            var range = (flat.max(1).values.view(-1, 1, 1) - lo).clamp_min(1e-12f);
            norm = (maps - lo) / range;
        }
        var cells = chosen.Select((ch, i) => new GridCell(cmap.Apply(norm[i]).MoveToOuterDisposeScope(), $"{layer}:{ch}")).ToList();
        return new ImageGrid(cells, columns, $"{layer}: {(channels is null ? $"top {chosen.Count} channels by mean activation" : $"{chosen.Count} channels")} " +
            $"({(scale == ActivationScale.PerChannel ? "each scaled to its own range" : "shared scale")})", cellPixels);
    }

    /// <summary>The <paramref name="count"/> channels of [C, H, W] (or [C]) with the largest mean activation, largest first.</summary>
    public static IReadOnlyList<int> TopChannels(Tensor activation, int count)
    {
        using var scope = NewDisposeScope();
        var act = activation.detach().cpu().to(float32);
        if (act.ndim == 4) act = act.squeeze(0);
        var means = act.ndim >= 2 ? act.flatten(1).mean([1]) : act;
        var k = Math.Min(count, (int)means.shape[0]);
        return means.topk(k).indexes.data<long>().Select(i => (int)i).ToList();
    }
}
