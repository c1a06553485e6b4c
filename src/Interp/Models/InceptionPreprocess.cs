using TorchSharp;
using static TorchSharp.torch;

namespace Interp.Models;

/// <summary>inception5h's input transform: x·255 − 117 for x in [0, 1] (no per-channel mean or std).</summary>
public sealed class InceptionPreprocess() : nn.Module<Tensor, Tensor>("preprocess")
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor x) => x * 255f - 117f;
}
