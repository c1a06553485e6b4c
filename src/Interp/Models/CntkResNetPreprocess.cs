using TorchSharp;
using static TorchSharp.torch;

namespace Interp.Models;

/// <summary>
/// The preprocessing of Microsoft.ML's ResNet-18 (<c>ResNetPreprocess.onnx</c>): RGB in [0, 1] is
/// scaled to 0..255, reordered to BGR, and a per-pixel 224×224 mean image is subtracted; there is no
/// division by a standard deviation. For other sizes the mean image is resized bilinearly.
/// </summary>
public sealed class CntkResNetPreprocess : nn.Module<Tensor, Tensor>
{
    readonly Tensor mean_image;

    /// <summary>Creates the preprocessing from a BGR mean image of shape [1, 3, H, W] in 0..255.</summary>
    public CntkResNetPreprocess(Tensor meanImageBgr) : base("preprocess")
    {
        if (meanImageBgr.ndim != 4 || meanImageBgr.shape[0] != 1 || meanImageBgr.shape[1] != 3)
            throw new ArgumentException($"The mean image must have shape [1,3,H,W]; got [{string.Join(",", meanImageBgr.shape)}].");
        mean_image = meanImageBgr.detach().clone();
        register_buffer("mean_image", mean_image);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor rgb)
    {
        if (rgb.ndim != 4 || rgb.shape[1] != 3)
            throw new ArgumentException($"Expected an RGB image batch [N,3,H,W] with values in [0,1]; got shape [{string.Join(",", rgb.shape)}].");
        using var scope = NewDisposeScope();
        var bgr = rgb.flip(1) * 255f;
        var mean = mean_image.to(bgr.dtype);
        if (mean.shape[2] != rgb.shape[2] || mean.shape[3] != rgb.shape[3])
            mean = nn.functional.interpolate(mean, [rgb.shape[2], rgb.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false);
        return (bgr - mean).MoveToOuterDisposeScope();
    }
}
