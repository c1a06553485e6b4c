using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Transforms;

/// <summary>Resizes to <see cref="Size"/>×<see cref="Size"/> (bilinear), e.g. to the model's input size.</summary>
public sealed record Resize(int Size) : ITransform
{
    /// <inheritdoc/>
    public Tensor Apply(Tensor image, Generator generator) =>
        image.shape[2] == Size && image.shape[3] == Size
            ? image.alias()
            : nn.functional.interpolate(image, [Size, Size], mode: InterpolationMode.Bilinear, align_corners: false);

    /// <inheritdoc/>
    public string Description => $"resize({Size})";
}
