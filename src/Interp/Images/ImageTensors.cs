using static TorchSharp.torch;

namespace Interp.Images;

/// <summary>Small image operations on [3, H, W] / [N, 3, H, W] tensors.</summary>
public static class ImageTensors
{
    /// <summary>Resizes so the shorter side is <paramref name="size"/> then crops the centre square (bilinear, antialiased).</summary>
    public static Tensor ResizeCenterCrop(Tensor image, int size)
    {
        using var scope = NewDisposeScope();
        var batch = image.ndim == 3 ? image.unsqueeze(0) : image;
        long h = batch.shape[2], w = batch.shape[3];
        double s = (double)size / Math.Min(h, w);
        long nh = Math.Max(size, (long)Math.Round(h * s)), nw = Math.Max(size, (long)Math.Round(w * s));
        var resized = nh == h && nw == w ? batch : nn.functional.interpolate(batch, [nh, nw], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
        long top = (nh - size) / 2, left = (nw - size) / 2;
        var cropped = resized[.., .., TensorIndex.Slice(top, top + size), TensorIndex.Slice(left, left + size)].clamp(0, 1);
        return (image.ndim == 3 ? cropped.squeeze(0) : cropped).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The same batch [N, C, H, W] stored channels-last (NHWC in memory, the shape unchanged), as PyTorch's
    /// <c>memory_format=torch.channels_last</c>: convolutions then keep that layout, and oneDNN reorders only their weights
    /// (on an AMD Zen 5 host, one reorder per convolution instead of three in NCHW). Gradients flow through it.
    /// </summary>
    public static Tensor ChannelsLast(Tensor images)
    {
        if (images.ndim != 4) throw new ArgumentException($"Channels-last applies to a batch [N, C, H, W]; got shape [{string.Join(", ", images.shape)}].", nameof(images));
        return images.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
    }

    /// <summary>Whether a batch [N, C, H, W] is stored channels-last (channel stride 1, <see cref="ChannelsLast"/>).</summary>
    public static bool IsChannelsLast(Tensor images) =>
        images.ndim == 4 && images.stride(1) == 1 && images.stride(3) == images.shape[1] && images.stride(2) == images.shape[1] * images.shape[3];

    /// <summary>
    /// The mean absolute difference between neighbouring pixels of each image [N, 3, H, W] → [N]:
    /// a simple measure of high-frequency noise (total variation per pixel).
    /// </summary>
    public static Tensor Roughness(Tensor images)
    {
        using var scope = NewDisposeScope();
        var dy = (images[.., .., 1.., ..] - images[.., .., ..^1, ..]).abs().flatten(1).mean([1]);
        var dx = (images[.., .., .., 1..] - images[.., .., .., ..^1]).abs().flatten(1).mean([1]);
        return ((dy + dx) / 2).MoveToOuterDisposeScope();
    }

    /// <summary>Rescales to [0, 1] by the tensor's own min and max (a constant tensor becomes 0.5).</summary>
    public static Tensor Normalize(Tensor t)
    {
        using var scope = NewDisposeScope();
        var lo = t.min();
        var range = t.max() - lo;
        var r = range.item<float>() > 0 ? (t - lo) / range : zeros_like(t) + 0.5f;
        return r.MoveToOuterDisposeScope();
    }
}
