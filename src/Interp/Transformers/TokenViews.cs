using Interp.Hooks;
using static TorchSharp.torch;

namespace Interp.Transformers;

/// <summary>
/// A ViT activation [N, tokens, units] (residual stream, MLP neurons) seen as the CNN tools expect a layer: units as channels.
/// <see cref="Grid"/> lays the patch tokens out on the patch grid, [N, units, grid, grid] (the class token left out), so that
/// feature visualization, dataset examples, scans and tuning curves read a ViT unit at each patch as they read a CNN channel at
/// each position; <see cref="ClassToken"/> is the class token alone, [N, units, 1, 1]. Edits through either view write back into
/// their tokens only.
/// </summary>
public sealed class TokenView : ILayerView
{
    readonly bool _grid;

    TokenView(bool grid) => _grid = grid;

    /// <summary>The patch tokens on the patch grid.</summary>
    public static TokenView Grid { get; } = new(grid: true);

    /// <summary>The class token.</summary>
    public static TokenView ClassToken { get; } = new(grid: false);

    /// <inheritdoc/>
    public string Kind => _grid ? "ViT patch tokens on the grid" : "ViT class token";

    /// <inheritdoc/>
    public Tensor Read(Tensor source)
    {
        Require(source);
        if (!_grid) return source.select(1, 0).unsqueeze(-1).unsqueeze(-1);
        long n = source.shape[0], units = source.shape[^1], grid = (long)Math.Sqrt(source.shape[1] - 1);
        return source[.., 1..].transpose(1, 2).reshape(n, units, grid, grid);
    }

    /// <inheritdoc/>
    public Tensor Write(Tensor source, Tensor read, Tensor edited)
    {
        var tokens = _grid ? edited.flatten(2).transpose(1, 2) : edited.flatten(1).unsqueeze(1);
        return _grid ? cat([source[.., ..1], tokens], 1) : cat([tokens, source[.., 1..]], 1);
    }

    static void Require(Tensor source)
    {
        long patches = source.ndim == 3 ? source.shape[1] - 1 : -1;
        long side = patches > 0 ? (long)Math.Sqrt(patches) : -1;
        if (side < 1 || side * side != patches)
            throw new ArgumentException($"A token view reads [N, 1 + g², units] (class token, then a g×g grid of patches); got [{string.Join(", ", source.shape)}].");
    }

    /// <summary>
    /// Attaches <c>/grid</c> and <c>/cls</c> views to every block's <c>hook_resid_post</c> and <c>mlp.hook_post</c> of
    /// <paramref name="model"/>'s ViT (e.g. <c>visual.blocks.3.hook_resid_post/grid</c>), and to each head's output
    /// (<see cref="HeadView"/>: <c>visual.blocks.2.attn.hook_result/head1/cls</c>); one handle detaches them all.
    /// </summary>
    public static HookHandle AttachAll(HookedModel model)
    {
        var vit = VitLayout.Of(model);
        var handles = new List<HookHandle>();
        try
        {
            for (int l = 0; l < vit.Layers; l++)
            {
                foreach (var point in new[] { "hook_resid_post", "mlp.hook_post" })
                {
                    handles.Add(model.AttachView(vit.Name(l, point), "grid", Grid));
                    handles.Add(model.AttachView(vit.Name(l, point), "cls", ClassToken));
                }
                for (int h = 0; h < vit.Heads; h++)
                {
                    string head = $"{vit.Name(l, "attn.hook_result")}/head{h}";
                    handles.Add(model.AttachView(vit.Name(l, "attn.hook_result"), $"head{h}", new HeadView(h)));
                    handles.Add(model.AttachView(head, "grid", Grid));
                    handles.Add(model.AttachView(head, "cls", ClassToken));
                }
            }
        }
        catch
        {
            foreach (var h in handles) h.Dispose();
            throw;
        }
        return HookedModel.Combine(handles);
    }
}
