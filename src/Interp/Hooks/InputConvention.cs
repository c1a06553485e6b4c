using static TorchSharp.torch;

namespace Interp.Hooks;

/// <summary>
/// What a model takes as input. Library images are RGB in [0, 1], NCHW; zoo models wrap their own
/// preprocessing so that they accept exactly that.
/// </summary>
/// <param name="Size">The native input size (square), e.g. 224.</param>
/// <param name="Description">How the model turns the library image into what its weights expect.</param>
public sealed record InputConvention(int Size, string Description)
{
    /// <summary>Always 3: RGB.</summary>
    public int Channels => 3;

    /// <summary>
    /// Checks that <paramref name="image"/> is an [N,3,H,W] floating-point batch and, with <paramref name="checkRange"/>,
    /// warns once when its values look like 0–255 (a reduction over the image; the render loop checks its first step only).
    /// </summary>
    public void Validate(Tensor image, bool checkRange = true)
    {
        if (image.ndim != 4 || image.shape[1] != Channels)
            throw new ArgumentException($"Expected an image batch of shape [N,3,H,W] (RGB in [0,1]); got [{string.Join(",", image.shape)}]. Use image.unsqueeze(0) to add a " +
                "batch dimension.");
        if (!image.is_floating_point())
            throw new ArgumentException($"Expected a floating-point image in [0,1]; got dtype {image.dtype}. Convert bytes with image.to(float32) / 255.");
        if (checkRange) WarnIfNotUnitRange(image);
    }

    /// <summary>
    /// Warns (once per process) when the image's values go far beyond [0, 1], the usual sign of an image
    /// in 0–255 passed where RGB in [0, 1] is expected. Returns whether the image looked out of range.
    /// </summary>
    public static bool WarnIfNotUnitRange(Tensor image)
    {
        if (image.numel() == 0) return false;
        double max;
        using (no_grad())
        using (var m = image.detach().max())
        using (var f = m.to(ScalarType.Float64))
            max = f.item<double>();
        if (!(max > 2)) return false;
        Runtime.Warnings.Once("input-range",
            $"An image passed to a model has values up to {max:G4}, but models here take RGB in [0, 1]; an image in 0–255 gives meaningless activations. " +
            "Divide it by 255 (ImageIO.Load and SamplePhotos.Load already return [0, 1]).");
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => $"RGB in [0,1], NCHW, {Size}x{Size}: {Description}";
}
