using TorchSharp;
using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Transforms;

/// <summary>
/// Lucid's jitter: a random crop that is <see cref="Pixels"/> smaller in each dimension, i.e. a random
/// translation by 0..<see cref="Pixels"/> pixels (the same offset for the whole batch).
/// </summary>
public sealed record Jitter(int Pixels) : ITransform
{
    /// <inheritdoc/>
    public Tensor Apply(Tensor image, Generator generator)
    {
        if (Pixels < 0) throw new ArgumentOutOfRangeException(nameof(Pixels), Pixels, "Jitter must be non-negative.");
        long h = image.shape[2], w = image.shape[3];
        if (Pixels >= h || Pixels >= w) throw new ArgumentException($"Jitter of {Pixels} px needs an image larger than that; got {h}×{w}.");
        int dy = Random.Index(Pixels + 1, generator), dx = Random.Index(Pixels + 1, generator);
        return Crop(image, Pixels, dy, dx);
    }

    /// <summary>The crop jitter makes for offsets <paramref name="dy"/>, <paramref name="dx"/> in 0..<paramref name="pixels"/>: [N, C, H − d, W − d].</summary>
    public static Tensor Crop(Tensor image, int pixels, int dy, int dx)
    {
        long h = image.shape[2], w = image.shape[3];
        if (dy < 0 || dy > pixels || dx < 0 || dx > pixels) throw new ArgumentOutOfRangeException(nameof(dy), $"Offsets must lie in 0..{pixels}; got ({dy}, {dx}).");
        return image[.., .., TensorIndex.Slice(dy, dy + h - pixels), TensorIndex.Slice(dx, dx + w - pixels)];
    }

    /// <inheritdoc/>
    public string Description => $"jitter({Pixels})";
}
