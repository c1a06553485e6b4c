using Interp.Hooks;
using static TorchSharp.torch;

namespace Interp.Transformers;

/// <summary>How an ablated head's output is replaced.</summary>
public enum AblationKind
{
    /// <summary>By zero.</summary>
    Zero,
    /// <summary>By its mean over reference pictures, per token position (<see cref="HeadAblation.MeanResults"/>).</summary>
    Mean,
}

/// <summary>
/// Head ablation on a ViT: a scoped hook that replaces chosen heads' <c>hook_result</c> (their outputs, all tokens) by zero or by
/// their mean; disposing the handle restores the model, also after a forward pass that threw.
/// </summary>
public static class HeadAblation
{
    /// <summary>Each block's mean <c>hook_result</c> over <paramref name="images"/>, [layers, tokens, heads, W] (for <see cref="AblationKind.Mean"/>).</summary>
    public static Tensor MeanResults(HookedModel model, Tensor images)
    {
        var vit = VitLayout.Of(model);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var names = Enumerable.Range(0, vit.Layers).Select(l => vit.Name(l, "attn.hook_result")).ToList();
        using var cache = model.RunWithCache(images, names);
        return stack(names.Select(n => cache[n].mean([0])).ToList()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Ablates <paramref name="heads"/> (block, head) until the handle is disposed; <paramref name="means"/> from
    /// <see cref="MeanResults"/> is required for <see cref="AblationKind.Mean"/>.
    /// </summary>
    public static HookHandle Ablate(HookedModel model, IReadOnlyCollection<(int Layer, int Head)> heads, AblationKind kind = AblationKind.Zero, Tensor? means = null)
    {
        var vit = VitLayout.Of(model);
        foreach (var (layer, head) in heads) vit.RequireHead(layer, head);
        if (kind == AblationKind.Mean && means is null)
            throw new ArgumentException("Mean ablation needs the heads' means: pass HeadAblation.MeanResults(model, referenceImages).", nameof(means));
        if (means is not null && means.shape[0] != vit.Layers)
            throw new ArgumentException($"The means are for {means.shape[0]} blocks; this tower has {vit.Layers}.", nameof(means));
        var handles = heads.GroupBy(h => h.Layer).Select(group => model.Hook(vit.Name(group.Key, "attn.hook_result"), result =>
        {
            var edited = result.clone();
            foreach (var (_, head) in group)
                edited[.., .., head] = kind == AblationKind.Zero ? zeros_like(result[.., .., head]) : means![group.Key][.., head].to(result.dtype);
            return edited;
        })).ToList();
        return HookedModel.Combine(handles);
    }
}
