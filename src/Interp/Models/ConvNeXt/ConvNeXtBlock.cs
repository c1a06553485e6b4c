using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Models.ConvNeXt;

/// <summary>
/// A ConvNeXt block: x + γ · <c>pwconv2</c>(GELU(<c>pwconv1</c>(<c>norm</c>(<c>dwconv</c> x)))), the pointwise layers applied at every
/// position (channels last), γ the learned layer scale. The hidden activation after GELU is <c>act</c> (hookable, [N, H, W, hidden]).
/// </summary>
public sealed class ConvNeXtBlock : nn.Module<Tensor, Tensor>
{
    readonly Parameter dwconv_weight, dwconv_bias, gamma;
    readonly LayerNorm norm;
    readonly Linear pwconv1, pwconv2;
    readonly GELU act = nn.GELU();
    readonly int _padding;

    /// <summary>
    /// A block of <paramref name="width"/> channels, a <paramref name="kernel"/>×<paramref name="kernel"/> depthwise convolution and a bottleneck
    /// <paramref name="mlpRatio"/> times as wide.
    /// </summary>
    public ConvNeXtBlock(string name, int width, int kernel, int mlpRatio, double layerScale) : base(name)
    {
        double bound = 1 / Math.Sqrt(kernel * kernel);
        dwconv_weight = new Parameter(empty(width, 1, kernel, kernel).uniform_(-bound, bound));
        dwconv_bias = new Parameter(zeros(width));
        norm = nn.LayerNorm(width, eps: 1e-6);
        pwconv1 = nn.Linear(width, width * mlpRatio);
        pwconv2 = nn.Linear(width * mlpRatio, width);
        gamma = new Parameter(full(width, layerScale));
        _padding = kernel / 2;
        RegisterComponents();
    }

    /// <summary>The depthwise kernels [width, 1, k, k].</summary>
    public Tensor DepthwiseWeight => dwconv_weight;

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = nn.functional.conv2d(x, dwconv_weight, dwconv_bias, padding: [_padding, _padding], groups: x.shape[1]).permute(0, 2, 3, 1);
        h = pwconv2.call(act.call(pwconv1.call(norm.call(h)))) * gamma;
        return (x + h.permute(0, 3, 1, 2)).MoveToOuterDisposeScope();
    }
}
