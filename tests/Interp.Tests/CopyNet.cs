using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Tests;

/// <summary>A 1×1 convolution <c>conv</c> that copies the image's three channels (its activation at (c, y, x) is the pixel value), then the mean over positions.</summary>
internal sealed class CopyNet : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv = nn.Conv2d(3, 3, 1, bias: false);

    public CopyNet() : base("copy")
    {
        RegisterComponents();
        using var _ = no_grad();
        conv.weight!.copy_(eye(3).view(3, 3, 1, 1));
    }

    public override Tensor forward(Tensor x) => conv.call(x).mean([2, 3]);
}
