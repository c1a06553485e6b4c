using Interp.Hooks;
using Interp.Models.Vit;

namespace Interp.Transformers;

/// <summary>
/// Where a vision transformer sits in a <see cref="HookedModel"/> and the names of its hook points there: the toy ViT CLIP's
/// tower is under <c>visual.</c> (<c>visual.blocks.2.attn.hook_result</c>), a bare tower has no prefix.
/// </summary>
public sealed record VitLayout(VitImageTower Tower, string Prefix)
{
    /// <summary>The tower in <paramref name="model"/>; a clear error when it has none.</summary>
    public static VitLayout Of(HookedModel model)
    {
        if (model.Module is VitImageTower bare) return new(bare, "");
        foreach (var (name, module) in model.Module.named_modules())
            if (module is VitImageTower tower) return new(tower, name + ".");
        throw new ArgumentException($"'{model.Name}' has no vision transformer tower (VitImageTower); transformer tools need one, e.g. the zoo's toy-vit.", nameof(model));
    }

    /// <summary>Blocks.</summary>
    public int Layers => Tower.Settings.Layers;

    /// <summary>Heads per block.</summary>
    public int Heads => Tower.Settings.Heads;

    /// <summary>The hook name of block <paramref name="layer"/>'s <paramref name="point"/>, e.g. <c>visual.blocks.3.attn.hook_pattern</c>.</summary>
    public string Name(int layer, string point)
    {
        RequireLayer(layer);
        return $"{Prefix}blocks.{layer}.{point}";
    }

    /// <summary>Refuses a block index out of range, giving the range.</summary>
    public void RequireLayer(int layer)
    {
        if (layer < 0 || layer >= Layers)
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"Block {layer} does not exist: this tower's blocks are 0–{Layers - 1}.");
    }

    /// <summary>Refuses a (block, head) out of range, giving the ranges.</summary>
    public void RequireHead(int layer, int head)
    {
        RequireLayer(layer);
        if (head < 0 || head >= Heads)
            throw new ArgumentOutOfRangeException(nameof(head), head, $"Head {head} does not exist: block {layer} has heads 0–{Heads - 1}.");
    }
}
