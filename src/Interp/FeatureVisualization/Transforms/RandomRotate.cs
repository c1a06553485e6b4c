using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Transforms;

/// <summary>
/// Rotates about the image centre by an angle in degrees drawn uniformly from <see cref="Degrees"/>
/// (repeat an angle to weight it); uncovered corners become 0. As Lucid's <c>random_rotate</c>
/// (<c>tfa.image.rotate</c>), sampling is nearest-neighbour by default; <see cref="Bilinear"/> samples
/// bilinearly, as Lucent's (kornia's) rotation does.
/// <para>Lucid converts degrees to radians with 3.14 in place of π (its 10° is 9.995°); this uses π. At the
/// standard stack's ±10° on a 150 px image the two differ by about 0.01 px at the corners, so nearest-neighbour
/// sampling picks the same pixel almost everywhere.</para>
/// </summary>
public sealed record RandomRotate(IReadOnlyList<double> Degrees, bool Bilinear = false) : ITransform
{
    /// <inheritdoc/>
    public Tensor Apply(Tensor image, Generator generator)
    {
        if (Degrees.Count == 0) throw new ArgumentException("RandomRotate needs at least one angle.");
        double deg = Degrees[Random.Index(Degrees.Count, generator)];
        return Rotate(image, deg, Bilinear);
    }

    /// <summary>
    /// Rotates by <paramref name="degrees"/> (counter-clockwise on screen) about the image centre, or about the point
    /// (<paramref name="centreX"/>, <paramref name="centreY"/>) in px when given (pixel centres at +0.5).
    /// </summary>
    public static Tensor Rotate(Tensor image, double degrees, bool bilinear = false, double? centreX = null, double? centreY = null)
    {
        if (degrees == 0) return image.alias();
        using var scope = NewDisposeScope();
        double a = degrees * Math.PI / 180, c = Math.Cos(a), s = Math.Sin(a);
        long n = image.shape[0], h = image.shape[2], w = image.shape[3];
        // Output pixel (x, y) in normalized coordinates samples the input at p + R(-a)·((x, y) − p), p the centre of
        // rotation (0 for the image centre), with the aspect ratio taken into account so that the rotation is rigid in
        // pixel space.
        double ar = (double)w / h;
        double px = centreX is { } cx ? 2 * cx / w - 1 : 0, py = centreY is { } cy ? 2 * cy / h - 1 : 0;
        double tx = px - (c * px - s / ar * py), ty = py - (s * ar * px + c * py);
        var theta = tensor(new float[] { (float)c, (float)(-s / ar), (float)tx, (float)(s * ar), (float)c, (float)ty }, [1, 2, 3], dtype: image.dtype,
            device: image.device).expand(n, 2, 3);
        var grid = nn.functional.affine_grid(theta, [n, image.shape[1], h, w], align_corners: false);
        return nn.functional.grid_sample(image, grid, mode: bilinear ? GridSampleMode.Bilinear : GridSampleMode.Nearest,
            padding_mode: GridSamplePaddingMode.Zeros, align_corners: false).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public string Description => $"rotate({Degrees.Min()}..{Degrees.Max()}°, {Degrees.Count} choices{(Bilinear ? ", bilinear" : "")})";
}
