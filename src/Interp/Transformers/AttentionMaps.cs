using Interp.Hooks;
using Interp.Images;
using static TorchSharp.torch;

namespace Interp.Transformers;

/// <summary>
/// Attention as pictures: which patches the class token reads, per head, laid out on the patch grid, and that map laid over
/// the picture (each patch's square tinted by its weight, so the grid stays visible).
/// </summary>
public static class AttentionMaps
{
    /// <summary>
    /// Block <paramref name="layer"/>'s attention from the class token to each patch, [N, heads, grid, grid] (the weight on the
    /// class token itself is left out; each map sums to 1 minus it).
    /// </summary>
    public static Tensor ClassToken(HookedModel model, Tensor images, int layer)
    {
        var vit = VitLayout.Of(model);
        var name = vit.Name(layer, "attn.hook_pattern");
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var cache = model.RunWithCache(images, [name], stopEarly: true);
        int grid = vit.Tower.Settings.Grid;
        var pattern = cache[name];                                                                      // [N, H, T, T]
        return pattern[.., .., 0, 1..].reshape(pattern.shape[0], pattern.shape[1], grid, grid).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// <paramref name="map"/> [grid, grid] over <paramref name="image"/> [3, S, S] in [0, 1]: each patch blended with its colour
    /// under <paramref name="colormap"/> (viridis by default), the map scaled by its maximum; <paramref name="strength"/> in [0, 1].
    /// </summary>
    public static Tensor Overlay(Tensor image, Tensor map, double strength = 0.6, Colormap? colormap = null)
    {
        if (image.ndim != 3 || image.shape[0] != 3 || map.ndim != 2 || image.shape[1] % map.shape[0] != 0 || image.shape[2] % map.shape[1] != 0)
            throw new ArgumentException(
                $"Give an image [3, S, S] and a map [g, g] whose grid divides S; got [{string.Join(", ", image.shape)}] and [{string.Join(", ", map.shape)}].");
        if (strength is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(strength), strength, "The strength is a blend weight in [0, 1].");
        using var scope = NewDisposeScope();
        var scaled = map / map.max().clamp_min(1e-12);
        var colours = (colormap ?? Colormap.Viridis).Apply(scaled);                                    // [3, g, g]
        var upsampled = colours.repeat_interleave(image.shape[1] / map.shape[0], 1).repeat_interleave(image.shape[2] / map.shape[1], 2);
        return (image.to(float32) * (1 - strength) + upsampled * strength).MoveToOuterDisposeScope();
    }
}
