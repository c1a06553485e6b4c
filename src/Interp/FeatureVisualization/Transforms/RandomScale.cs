using System.Globalization;
using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Transforms;

/// <summary>
/// Rescales by a factor drawn uniformly from <see cref="Scales"/> (bilinear, half-pixel centres). The new
/// size is truncated, as Lucid (<c>int32</c> cast) and Lucent (<c>scale_factor</c>) do.
/// </summary>
public sealed record RandomScale(IReadOnlyList<double> Scales) : ITransform
{
    /// <inheritdoc/>
    public Tensor Apply(Tensor image, Generator generator)
    {
        if (Scales.Count == 0) throw new ArgumentException("RandomScale needs at least one scale.");
        double s = Scales[Random.Index(Scales.Count, generator)];
        long h = (long)(image.shape[2] * s), w = (long)(image.shape[3] * s);
        if (h == image.shape[2] && w == image.shape[3]) return image.alias();
        return nn.functional.interpolate(image, [h, w], mode: InterpolationMode.Bilinear, align_corners: false);
    }

    /// <inheritdoc/>
    public string Description => $"scale({string.Join(",", Scales.Select(s => s.ToString("0.###", CultureInfo.InvariantCulture)))})";
}
