using TorchSharp;
using static TorchSharp.torch;

namespace Interp.Models.ToyClip;

/// <summary>The toy CLIP's input transform, the <c>preprocess</c> layer: x − 0.5 for pictures in [0, 1].</summary>
public sealed class ToyClipPreprocess() : nn.Module<Tensor, Tensor>("preprocess")
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor x) => x - 0.5;
}
