using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Models;

/// <summary>
/// A convolution whose stride equals its kernel (a ViT's patch embedding, a ConvNeXt's stem and downsampling layers), computed as
/// one matrix product over non-overlapping patches: the same function as <c>nn.Conv2d(in, out, patch, stride: patch)</c> with the
/// same <c>weight</c> [out, in, patch, patch] (and optional <c>bias</c>), on a path that does not go through the convolution
/// kernels some CPUs compute wrongly (see <see cref="SafeConv2d"/>). Output [N, out, H / patch, W / patch].
/// </summary>
public sealed class PatchEmbedding : nn.Module<Tensor, Tensor>
{
    readonly Parameter weight;
    readonly Parameter? bias;

    /// <summary>A layer from <paramref name="inChannels"/> to <paramref name="outChannels"/> over <paramref name="patch"/>×<paramref name="patch"/> patches.</summary>
    public PatchEmbedding(string name, long inChannels, long outChannels, long patch, bool hasBias) : base(name)
    {
        if (inChannels < 1 || outChannels < 1 || patch < 1)
            throw new ArgumentException($"Channels and patch must be at least 1 (got {inChannels} → {outChannels}, patch {patch}).");
        double bound = 1 / Math.Sqrt(inChannels * patch * patch);
        weight = new Parameter(empty(outChannels, inChannels, patch, patch).uniform_(-bound, bound));
        bias = hasBias ? new Parameter(empty(outChannels).uniform_(-bound, bound)) : null;
        Patch = patch;
        RegisterComponents();
    }

    /// <summary>The side of a patch (= kernel = stride).</summary>
    public long Patch { get; }

    /// <summary>The weights [out, in, patch, patch].</summary>
    public Parameter Weight => weight;

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3], p = Patch;
        if (x.ndim != 4 || c != weight.shape[1] || h % p != 0 || w % p != 0)
            throw new ArgumentException($"{GetName()} takes [N, {weight.shape[1]}, H, W] with H and W multiples of {p}; got [{string.Join(", ", x.shape)}].");
        using var scope = NewDisposeScope();
        var patches = x.view(n, c, h / p, p, w / p, p).permute(0, 2, 4, 1, 3, 5).reshape(n, h / p * (w / p), c * p * p);
        var y = patches.matmul(weight.view(weight.shape[0], -1).t());
        if (bias is not null) y = y + bias;
        return y.view(n, h / p, w / p, -1).permute(0, 3, 1, 2).contiguous().MoveToOuterDisposeScope();
    }
}
