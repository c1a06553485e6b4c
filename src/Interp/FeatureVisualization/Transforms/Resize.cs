using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Transforms;

/// <summary>
/// Resizes to <see cref="Size"/>×<see cref="Size"/> (bilinear), e.g. to the model's input size. With
/// <see cref="AlignCorners"/> the corner pixels' centres map onto each other (PyTorch's <c>align_corners=True</c>,
/// as Lucent's final upsample); without, half-pixel centres (TensorFlow 2 and PIL).
/// </summary>
public sealed record Resize(int Size, bool AlignCorners = false) : ITransform
{
    /// <inheritdoc/>
    public Tensor Apply(Tensor image, Generator generator) =>
        image.shape[2] == Size && image.shape[3] == Size
            ? image.alias()
            : nn.functional.interpolate(image, [Size, Size], mode: InterpolationMode.Bilinear, align_corners: AlignCorners);

    /// <inheritdoc/>
    public string Description => AlignCorners ? $"resize({Size}, align corners)" : $"resize({Size})";
}
