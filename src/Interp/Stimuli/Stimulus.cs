using Interp.FeatureVisualization.Transforms;
using static TorchSharp.torch;

namespace Interp.Stimuli;

/// <summary>
/// Synthetic stimuli for probing units: curves, lines, gratings, frequency boundaries and rotations of any image,
/// anti-aliased (each pixel's ink is its covered fraction, by supersampling), single images or batches over a grid
/// of parameters (<see cref="StimulusSet{TParameter}"/>).
/// </summary>
public static class Stimulus
{
    /// <summary>The arc drawn as an image [3, H, W].</summary>
    public static Tensor Draw(Arc arc, StimulusStyle? style = null)
    {
        style ??= new();
        using var coverage = Coverage(arc, style);
        return Paint(coverage, style);
    }

    /// <summary>The corner drawn as an image [3, H, W].</summary>
    public static Tensor Draw(Corner corner, StimulusStyle? style = null)
    {
        style ??= new();
        using var coverage = Coverage(corner, style);
        return Paint(coverage, style);
    }

    /// <summary>The grating drawn as an image [3, H, W].</summary>
    public static Tensor Draw(Grating grating, StimulusStyle? style = null)
    {
        style ??= new();
        style.Validate();
        RequireFinite(nameof(grating), ("Orientation", grating.Orientation), ("Frequency", grating.Frequency), ("Phase", grating.Phase), ("Contrast", grating.Contrast));
        if (grating.Frequency <= 0 || grating.Frequency >= 0.5) throw new ArgumentOutOfRangeException(nameof(grating), grating.Frequency,
            "A grating's frequency is in (0, 0.5) cycles per pixel.");
        if (grating.Contrast is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(grating), grating.Contrast, "Contrast is in [0, 1].");
        using var scope = NewDisposeScope();
        var (u, v) = Grid(style.Size, 1, style.Size / 2.0, style.Size / 2.0);
        var ink = GratingInk(u, v, grating.Orientation, grating.Frequency, grating.Phase) * grating.Contrast;
        return Paint(ink, style).MoveToOuterDisposeScope();
    }

    /// <summary>The frequency boundary drawn as an image [3, H, W].</summary>
    public static Tensor Draw(FrequencyBoundary boundary, StimulusStyle? style = null)
    {
        style ??= new();
        style.Validate();
        RequireFinite(nameof(boundary), ("Orientation", boundary.Orientation), ("HighFrequency", boundary.HighFrequency), ("LowFrequency", boundary.LowFrequency),
            ("X", boundary.X ?? 0), ("Y", boundary.Y ?? 0));
        using var scope = NewDisposeScope();
        double cx = boundary.X ?? style.Size / 2.0, cy = boundary.Y ?? style.Size / 2.0;
        var (u, v) = Grid(style.Size, 1, cx, cy);
        double a = boundary.Orientation * Math.PI / 180;
        var side = u * Math.Cos(a) + v * Math.Sin(a);                     // > 0 on the high side
        var high = GratingInk(u, v, boundary.Orientation + 90, boundary.HighFrequency, 0);
        var low = boundary.LowFrequency > 0 ? GratingInk(u, v, boundary.Orientation + 90, boundary.LowFrequency, 0) : zeros_like(u);
        return Paint(where(side > 0, high, low), style).MoveToOuterDisposeScope();
    }

    /// <summary>One image per arc: a batch [N, 3, H, W] with its parameters.</summary>
    public static StimulusSet<Arc> Arcs(IEnumerable<Arc> arcs, StimulusStyle? style = null) => Batch(arcs, a => Draw(a, style));

    /// <summary>Arcs over every orientation × curvature (the Curve Detectors paper's grid), other settings from <paramref name="template"/>.</summary>
    public static StimulusSet<Arc> ArcGrid(IEnumerable<double> orientations, IEnumerable<double> curvatures, Arc? template = null, StimulusStyle? style = null)
    {
        template ??= new Arc(0, 0);
        var cs = curvatures.ToList();
        return Arcs(orientations.SelectMany(o => cs.Select(c => template with { Orientation = o, Curvature = c })), style);
    }

    /// <summary>One image per corner.</summary>
    public static StimulusSet<Corner> Corners(IEnumerable<Corner> corners, StimulusStyle? style = null) => Batch(corners, c => Draw(c, style));

    /// <summary>One image per grating.</summary>
    public static StimulusSet<Grating> Gratings(IEnumerable<Grating> gratings, StimulusStyle? style = null) => Batch(gratings, g => Draw(g, style));

    /// <summary>One image per frequency boundary.</summary>
    public static StimulusSet<FrequencyBoundary> FrequencyBoundaries(IEnumerable<FrequencyBoundary> boundaries, StimulusStyle? style = null) => Batch(boundaries, b => Draw(b,
        style));

    /// <summary>
    /// <paramref name="image"/> [3, H, W] rotated counter-clockwise (on screen) by each of <paramref name="degrees"/>
    /// (bilinear; pixels that come from outside the image take <paramref name="fill"/>, default mid-grey), e.g. a dataset
    /// example over 0–360° to trace a unit's rotation tuning.
    /// </summary>
    /// <param name="centreX">Column of the centre of rotation in px (pixel centres at +0.5); default the image's centre.</param>
    /// <param name="centreY">Row of the centre of rotation in px; default the image's centre.</param>
    /// <param name="aperture">When given, a radius in px: everything farther from the centre is set to <paramref name="fill"/>
    /// in every rotation, so the unit sees the same disc of the image turn and no corner swings into its field.</param>
    public static StimulusSet<double> Rotations(Tensor image, IEnumerable<double> degrees, float fill = 0.5f, double? centreX = null, double? centreY = null,
        double? aperture = null)
    {
        if (image.ndim != 3 || image.shape[0] != 3) throw new ArgumentException($"Expected an RGB image [3,H,W]; got [{string.Join(",", image.shape)}].", nameof(image));
        long h = image.shape[1], w = image.shape[2];
        double cx = centreX ?? w / 2.0, cy = centreY ?? h / 2.0;
        if (aperture is { } r0 && !(r0 > 0)) throw new ArgumentOutOfRangeException(nameof(aperture), aperture, "The aperture is a radius in px above 0.");
        return Batch(degrees, d =>
        {
            using var scope = NewDisposeScope();
            var rotated = RandomRotate.Rotate((image - fill).unsqueeze(0), d, bilinear: true, cx, cy).squeeze(0);
            if (aperture is { } r)
            {
                var u = (arange(w, dtype: float64) + 0.5 - cx).square().view(1, w);
                var v = (arange(h, dtype: float64) + 0.5 - cy).square().view(h, 1);
                rotated = rotated * (u + v <= r * r).to(image.dtype);
            }
            return (rotated + fill).MoveToOuterDisposeScope();
        });
    }

    /// <summary>Angles 0, step, 2·step, … below 360.</summary>
    public static IReadOnlyList<double> Circle(double step) =>
        step > 0 ? [.. Enumerable.Range(0, (int)Math.Ceiling(360 / step - 1e-9)).Select(i => i * step)] : throw new ArgumentOutOfRangeException(nameof(step), step,
            "The step must be positive.");

    static StimulusSet<T> Batch<T>(IEnumerable<T> parameters, Func<T, Tensor> draw)
    {
        var list = parameters.ToList();
        if (list.Count == 0) throw new ArgumentException("A stimulus set needs at least one stimulus.", nameof(parameters));
        using var scope = NewDisposeScope();
        var images = stack(list.Select(draw).ToList());
        return new StimulusSet<T>(images.MoveToOuterDisposeScope(), list);
    }

    /// <summary>
    /// The fraction of each pixel an arc covers [H, W], in [0, 1]: the mean over <see cref="StimulusStyle.Supersampling"/>²
    /// sub-pixel points of "within LineWidth/2 of the arc" (or inside the filled segment).
    /// </summary>
    public static Tensor Coverage(Arc arc, StimulusStyle? style = null)
    {
        style ??= new();
        style.Validate();
        RequireFinite(nameof(arc), ("Orientation", arc.Orientation), ("Curvature", arc.Curvature), ("Length", arc.Length), ("LineWidth", arc.LineWidth),
            ("X", arc.X ?? 0), ("Y", arc.Y ?? 0));
        if (arc.Length <= 0 || arc.LineWidth <= 0)
            throw new ArgumentException($"An arc needs a positive length and line width and a finite curvature; got length {arc.Length}, width {arc.LineWidth}, curvature " +
                $"{arc.Curvature}.", nameof(arc));
        using var scope = NewDisposeScope();
        int s = style.Supersampling;
        double mx = arc.X ?? style.Size / 2.0, my = arc.Y ?? style.Size / 2.0;
        var (u, v) = Grid(style.Size, s, mx, my);                             // y up, origin at the midpoint
        double theta = arc.Orientation, kappa = arc.Curvature;
        if (kappa < 0) { theta += 180; kappa = -kappa; }
        double t = theta * Math.PI / 180, nx = Math.Cos(t), ny = Math.Sin(t);
        double half = arc.LineWidth / 2;
        Tensor inside;
        if (kappa * arc.Length < 1e-9)
        {
            // A straight segment through the midpoint along the tangent (−ny, nx).
            var along = (u * -ny + v * nx).clamp(-arc.Length / 2, arc.Length / 2);
            var dx = u - along * -ny;
            var dy = v - along * nx;
            inside = (dx * dx + dy * dy).sqrt() <= half;
        }
        else
        {
            double r = 1 / kappa, cx = -r * nx, cy = -r * ny;                 // centre of curvature
            double span = Math.Min(arc.Length / r, 2 * Math.PI) / 2;          // half the angle the arc subtends
            var px = u - cx;
            var py = v - cy;
            var rho = (px * px + py * py).sqrt();
            // Angle from the midpoint's direction, wrapped to (−π, π].
            var delta = atan2(py * nx - px * ny, px * nx + py * ny);
            var onArc = delta.abs() <= span;
            var radial = (rho - r).abs();
            double e1x = cx + r * Math.Cos(t + span), e1y = cy + r * Math.Sin(t + span);
            double e2x = cx + r * Math.Cos(t - span), e2y = cy + r * Math.Sin(t - span);
            var toEnds = minimum(((u - e1x).square() + (v - e1y).square()).sqrt(), ((u - e2x).square() + (v - e2y).square()).sqrt());
            inside = where(onArc, radial, toEnds) <= half;
            if (arc.Filled)
                inside = inside.logical_or((rho <= r).logical_and(px * nx + py * ny >= r * Math.Cos(span)));
        }
        var coverage = nn.functional.avg_pool2d(inside.to(float32).unsqueeze(0).unsqueeze(0), s).squeeze(0).squeeze(0);
        return coverage.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The fraction of each pixel a corner covers [H, W], in [0, 1]: sub-pixel points within LineWidth/2 of either arm or
    /// of the rounding arc, averaged over <see cref="StimulusStyle.Supersampling"/>² points per pixel.
    /// </summary>
    public static Tensor Coverage(Corner corner, StimulusStyle? style = null)
    {
        style ??= new();
        style.Validate();
        RequireFinite(nameof(corner), ("Orientation", corner.Orientation), ("Angle", corner.Angle), ("Radius", corner.Radius), ("ArmLength", corner.ArmLength),
            ("LineWidth", corner.LineWidth), ("X", corner.X ?? 0), ("Y", corner.Y ?? 0));
        if (corner.Angle is <= 0 or >= 180) throw new ArgumentOutOfRangeException(nameof(corner), corner.Angle, "A corner's angle is in (0, 180) degrees, e.g. 90.");
        if (corner.Radius < 0 || corner.ArmLength <= 0 || corner.LineWidth <= 0)
            throw new ArgumentException($"A corner needs a radius ≥ 0 and a positive arm length and line width; got radius {corner.Radius}, arm {corner.ArmLength}, width " +
                $"{corner.LineWidth}.", nameof(corner));
        using var scope = NewDisposeScope();
        int s = style.Supersampling;
        var (u, v) = Grid(style.Size, s, corner.X ?? style.Size / 2.0, corner.Y ?? style.Size / 2.0);   // y up, origin at the outermost point
        double t = corner.Orientation * Math.PI / 180, nx = Math.Cos(t), ny = Math.Sin(t);
        double half = corner.Angle * Math.PI / 360, r = corner.Radius;
        // The sharp apex A, the rounding's centre C = A − r / sin(half)·n, the outermost point C + r·n at the origin.
        double apex = r / Math.Sin(half) - r, ax = apex * nx, ay = apex * ny;
        double cx = ax - r / Math.Sin(half) * nx, cy = ay - r / Math.Sin(half) * ny;
        double tangent = r / Math.Tan(half);                                   // apex to where each arm leaves the rounding
        Tensor distance = full_like(u, double.PositiveInfinity);
        foreach (var side in new[] { -1, 1 })
        {
            double a = t + Math.PI + side * half, dx = Math.Cos(a), dy = Math.Sin(a);    // an arm's direction, away from the apex
            double x0 = ax + tangent * dx, y0 = ay + tangent * dy;
            var along = ((u - x0) * dx + (v - y0) * dy).clamp(0, corner.ArmLength);
            var segment = ((u - x0 - along * dx).square() + (v - y0 - along * dy).square()).sqrt();
            distance = minimum(distance, segment);
        }
        if (r > 0)
        {
            var px = u - cx;
            var py = v - cy;
            // Angle from n, within ±(90° − half) on the rounding.
            var delta = atan2(py * nx - px * ny, px * nx + py * ny);
            var arc = where(delta.abs() <= Math.PI / 2 - half, ((px.square() + py.square()).sqrt() - r).abs(), full_like(u, double.PositiveInfinity));
            distance = minimum(distance, arc);
        }
        var inside = distance <= corner.LineWidth / 2;
        var coverage = nn.functional.avg_pool2d(inside.to(float32).unsqueeze(0).unsqueeze(0), s).squeeze(0).squeeze(0);
        return coverage.MoveToOuterDisposeScope();
    }

    /// <summary>Sub-pixel sample coordinates (u right, v up), relative to (<paramref name="ox"/>, <paramref name="oy"/>) in pixel units, [H·s, W·s] each, float64.</summary>
    static (Tensor U, Tensor V) Grid(int size, int s, double ox, double oy)
    {
        var offsets = (arange(size * s, dtype: float64) + 0.5) / s;          // pixel units, sample centres
        var grid = meshgrid([offsets, offsets], indexing: "ij");
        return (grid[1] - ox, oy - grid[0]);
    }

    static Tensor GratingInk(Tensor u, Tensor v, double orientation, double frequency, double phase)
    {
        double a = orientation * Math.PI / 180;
        return ((u * Math.Cos(a) + v * Math.Sin(a)) * (2 * Math.PI * frequency) + phase * Math.PI / 180).cos() * 0.5 + 0.5;
    }

    /// <summary>Background where the ink is 0, ink colour where it is 1, linear between: [3, H, W] float32.</summary>
    static Tensor Paint(Tensor ink, StimulusStyle style)
    {
        using var scope = NewDisposeScope();
        var a = ink.to(float32).unsqueeze(0);
        var bg = tensor(style.BackgroundColour, [3, 1, 1]);
        var fg = tensor(style.InkColour, [3, 1, 1]);
        return (bg * (1 - a) + fg * a).MoveToOuterDisposeScope();
    }

    /// <summary>Refuses a NaN or infinite parameter (which would draw nothing, silently), naming it.</summary>
    static void RequireFinite(string stimulus, params (string Name, double Value)[] values)
    {
        foreach (var (name, value) in values)
            if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(stimulus, value, $"The {stimulus}'s {name} must be a finite number; got {value}.");
    }
}
