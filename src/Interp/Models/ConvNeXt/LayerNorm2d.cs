using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Models.ConvNeXt;

/// <summary>LayerNorm over the channels of each position of a map [N, C, H, W] (ConvNeXt's "channels first" LayerNorm); parameters <c>weight</c>, <c>bias</c>.</summary>
public sealed class LayerNorm2d : nn.Module<Tensor, Tensor>, Hooks.INormalization
{
    readonly Parameter weight, bias;

    /// <summary>A LayerNorm over <paramref name="channels"/> channels (weight 1, bias 0, ε = 1e-6 as ConvNeXt's).</summary>
    public LayerNorm2d(string name, long channels) : base(name)
    {
        weight = new Parameter(ones(channels));
        bias = new Parameter(zeros(channels));
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var normed = nn.functional.layer_norm(x.permute(0, 2, 3, 1), [x.shape[1]], weight, bias, 1e-6);
        return normed.permute(0, 3, 1, 2).contiguous().MoveToOuterDisposeScope();
    }
}
