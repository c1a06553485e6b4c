using TorchSharp;
using static TorchSharp.torch;

namespace Interp.Models.Clip;

/// <summary>
/// <see cref="ClipPreprocess.Normalize"/> as the <c>preprocess</c> layer of <see cref="ClipModel"/>: no parameters (the state dict
/// keeps OpenAI's keys), and a layer hooks see, so analyses that must look through the input transform (receptive fields) can.
/// </summary>
public sealed class ClipNormalization() : nn.Module<Tensor, Tensor>("preprocess")
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor image) => ClipPreprocess.Normalize(image);
}
