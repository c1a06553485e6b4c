using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Parameterizations;

/// <summary>
/// Lucid's colour decorrelation: parameters live in a decorrelated colour space, mapped to RGB by the
/// square root of ImageNet's colour correlation matrix, normalized by its largest column norm, then
/// squashed to [0, 1] by a sigmoid.
/// </summary>
public static class ColorDecorrelation
{
    /// <summary>Lucid's <c>color_correlation_svd_sqrt</c> (rows: R, G, B).</summary>
    public static readonly float[,] CorrelationSvdSqrt =
    {
        { 0.26f, 0.09f, 0.02f },
        { 0.27f, 0.00f, -0.05f },
        { 0.27f, -0.09f, 0.03f },
    };

    /// <summary>The matrix divided by its largest column norm.</summary>
    public static float[,] Normalized()
    {
        var m = CorrelationSvdSqrt;
        double maxNorm = 0;
        for (int c = 0; c < 3; c++)
            maxNorm = Math.Max(maxNorm, Math.Sqrt(m[0, c] * m[0, c] + m[1, c] * m[1, c] + m[2, c] * m[2, c]));
        var n = new float[3, 3];
        for (int r = 0; r < 3; r++) for (int c = 0; c < 3; c++) n[r, c] = (float)(m[r, c] / maxNorm);
        return n;
    }

    /// <summary>Maps decorrelated colours [N, 3, H, W] to (unbounded) RGB: each pixel vector v becomes M·v.</summary>
    public static Tensor ToRgb(Tensor decorrelated)
    {
        var n = Normalized();
        using var m = tensor(n.Cast<float>().ToArray(), [3, 3], dtype: decorrelated.dtype, device: decorrelated.device);
        return einsum("rc,nchw->nrhw", m, decorrelated);
    }

    /// <summary>Lucid's <c>to_valid_rgb</c>: optional decorrelation, then a sigmoid to [0, 1].</summary>
    public static Tensor ToValidRgb(Tensor t, bool decorrelate)
    {
        using var scope = NewDisposeScope();
        var rgb = decorrelate ? ToRgb(t) : t;
        return rgb.sigmoid().MoveToOuterDisposeScope();
    }
}
