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

    /// <summary>Checks that <paramref name="image"/> is an [N,3,H,W] floating-point batch.</summary>
    public void Validate(Tensor image)
    {
        if (image.ndim != 4 || image.shape[1] != Channels)
            throw new ArgumentException($"Expected an image batch of shape [N,3,H,W] (RGB in [0,1]); got [{string.Join(",", image.shape)}]. Use image.unsqueeze(0) to add a batch dimension.");
        if (!image.is_floating_point())
            throw new ArgumentException($"Expected a floating-point image in [0,1]; got dtype {image.dtype}. Convert bytes with image.to(float32) / 255.");
    }

    /// <inheritdoc/>
    public override string ToString() => $"RGB in [0,1], NCHW, {Size}x{Size}: {Description}";
}
