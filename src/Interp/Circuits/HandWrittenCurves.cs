using Interp.Stimuli;
using static TorchSharp.torch;

namespace Interp.Circuits;

/// <summary>How <see cref="HandWrittenCurves"/> writes a curve detector's weights.</summary>
/// <param name="MinPeakToMean">Source channels whose line tuning peaks below this multiple of its mean are treated as blind to
/// orientation and get no weight.</param>
/// <param name="Step">Spacing in input pixels of the points sampled along the curve.</param>
/// <param name="KernelSize">Side of the kernel in source positions (odd); null: just large enough for the curve.</param>
/// <param name="OrientationBlind">Give every channel the same weight along the curve, whatever its tuning: the control that
/// knows where the curve is but not which way it runs.</param>
public sealed record CurveRecipe(double MinPeakToMean = 1.5, double Step = 1, int? KernelSize = null, bool OrientationBlind = false);

/// <summary>
/// Curve detectors written by hand, by the algorithm "Curve Circuits" describes: along the curve, each point excites the
/// earlier layer's units tuned to lines running along the curve's tangent there, and inhibits those tuned across it. For a
/// source channel c with line tuning T_c (see <see cref="LineTuning"/>), a point whose normal points at φ adds
/// (T_c(φ) − mean T_c) / max T_c at that point's position in the kernel (spread bilinearly over the four nearest positions).
/// </summary>
public static class HandWrittenCurves
{
    /// <summary>
    /// The weight a curve point with normal <paramref name="degrees"/> gives <paramref name="channel"/>:
    /// (T(φ) − mean T) / max T, or 0 for a channel blind to orientation (or 1 / channels with <see cref="CurveRecipe.OrientationBlind"/>).
    /// </summary>
    public static double LineWeight(LineTuning tuning, int channel, double degrees, CurveRecipe? recipe = null)
    {
        recipe ??= new CurveRecipe();
        if (recipe.OrientationBlind) return 1.0 / tuning.Channels;
        var row = tuning.Row(channel);
        double max = row.Max();
        if (max <= 0 || tuning.PeakToMean(channel) < recipe.MinPeakToMean) return 0;
        return (tuning.Response(channel, degrees) - row.Average()) / max;
    }

    /// <summary>
    /// Points every <paramref name="step"/> px along <paramref name="curve"/> in input pixel coordinates (x right, y down),
    /// with the curve's outward normal there in degrees (counter-clockwise from right), as <see cref="Stimulus.Draw(Arc, StimulusStyle?)"/>
    /// draws it; a midpoint left null is (<paramref name="centreX"/>, <paramref name="centreY"/>).
    /// </summary>
    public static IReadOnlyList<(double X, double Y, double Normal)> Tangents(Arc curve, double step, double centreX, double centreY)
    {
        if (step <= 0) throw new ArgumentOutOfRangeException(nameof(step), step, "The step must be positive, e.g. 1 px.");
        double mx = curve.X ?? centreX, my = curve.Y ?? centreY;
        double theta = curve.Orientation, kappa = curve.Curvature;
        if (kappa < 0) { theta += 180; kappa = -kappa; }
        double t = theta * Math.PI / 180, nx = Math.Cos(t), ny = Math.Sin(t);
        int n = Math.Max(1, (int)Math.Round(curve.Length / step));
        var points = new List<(double, double, double)>(n + 1);
        for (int i = 0; i <= n; i++)
        {
            double s = -curve.Length / 2 + i * curve.Length / n;
            if (kappa * curve.Length < 1e-9)
            {
                points.Add((mx - s * ny, my - s * nx, theta));
                continue;
            }
            double r = 1 / kappa, a = t + Math.Clamp(s / r, -Math.PI, Math.PI);
            double u = -r * nx + r * Math.Cos(a), v = -r * ny + r * Math.Sin(a);
            points.Add((mx + u, my - v, a * 180 / Math.PI));
        }
        return points;
    }

    /// <summary>
    /// The kernel [C, k, k] over <paramref name="alignment"/>'s source layer of a detector for <paramref name="curve"/>, an arc
    /// drawn (in input pixels) for the target layer's central position, e.g. a curve-search candidate's best stimulus.
    /// </summary>
    public static Tensor Kernel(LineTuning tuning, Arc curve, LayerAlignment alignment, CurveRecipe? recipe = null)
    {
        recipe ??= new CurveRecipe();
        if (tuning.Layer != alignment.Source)
            throw new ArgumentException($"The line tuning was measured on '{tuning.Layer}' but the unit reads '{alignment.Source}'; measure LineTuning on '{alignment.Source}'.",
                nameof(tuning));
        var points = Tangents(curve, recipe.Step, alignment.CentreX, alignment.CentreY);
        int size = recipe.KernelSize ?? AutoSize(points, alignment);
        if (size < 1 || size % 2 == 0) throw new ArgumentOutOfRangeException(nameof(recipe), size, "The kernel size must be odd, e.g. 15.");
        int channels = tuning.Channels;
        var k = new float[channels * size * size];
        foreach (var (x, y, normal) in points)
        {
            var (col, row) = alignment.KernelPosition(x, y, size);
            int x0 = (int)Math.Floor(col), y0 = (int)Math.Floor(row);
            double fx = col - x0, fy = row - y0;
            var corners = new[] { (y0, x0, (1 - fx) * (1 - fy)), (y0, x0 + 1, fx * (1 - fy)), (y0 + 1, x0, (1 - fx) * fy), (y0 + 1, x0 + 1, fx * fy) };
            for (int c = 0; c < channels; c++)
            {
                double w = LineWeight(tuning, c, normal, recipe) * recipe.Step;
                if (w == 0) continue;
                foreach (var (yy, xx, f) in corners)
                    if (yy >= 0 && yy < size && xx >= 0 && xx < size)
                        k[(c * size + yy) * size + xx] += (float)(w * f);
            }
        }
        return tensor(k, [channels, size, size]);
    }

    /// <summary>The hand-written detector as a unit (gain 1, bias 0: calibrate it with <see cref="ArtificialUnit.Calibrate"/>).</summary>
    public static ArtificialUnit Build(LineTuning tuning, Arc curve, LayerAlignment alignment, CurveRecipe? recipe = null)
    {
        using var kernel = Kernel(tuning, curve, alignment, recipe);
        return new ArtificialUnit(alignment.Source, kernel, alignment.Stride);
    }

    static int AutoSize(IReadOnlyList<(double X, double Y, double Normal)> points, LayerAlignment alignment)
    {
        double reach = points.Max(p =>
        {
            var (column, row) = alignment.KernelPosition(p.X, p.Y, 1);
            return Math.Max(Math.Abs(column), Math.Abs(row));
        });
        return 2 * ((int)Math.Ceiling(reach) + 1) + 1;
    }
}
