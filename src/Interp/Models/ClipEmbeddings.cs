using static TorchSharp.torch;

namespace Interp.Models;

/// <summary>Checks on embeddings before they reach a native matrix product (a mismatched one can end the process; README, "Older Linux").</summary>
public static class ClipEmbeddings
{
    /// <summary>Refuses image and text embeddings that are not [N, <paramref name="width"/>] and [M, <paramref name="width"/>].</summary>
    public static void RequireComparable(Tensor imageEmbeddings, Tensor textEmbeddings, long width)
    {
        ArgumentNullException.ThrowIfNull(imageEmbeddings);
        ArgumentNullException.ThrowIfNull(textEmbeddings);
        if (imageEmbeddings.ndim != 2 || imageEmbeddings.shape[1] != width)
            throw new ArgumentException($"Image embeddings must be [N, {width}] (EncodeImage); got [{string.Join(", ", imageEmbeddings.shape)}].", nameof(imageEmbeddings));
        if (textEmbeddings.ndim != 2 || textEmbeddings.shape[1] != width)
            throw new ArgumentException($"Text embeddings must be [M, {width}] (EncodeText, or a classifier's class embeddings of this model); got " +
                $"[{string.Join(", ", textEmbeddings.shape)}].", nameof(textEmbeddings));
    }
}
