using Interp.Hooks;
using Interp.Stimuli;
using Interp.Units;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Tests.Stimuli;

public class StimulusTests(ITestOutputHelper output)
{
    /// <summary>Ink pixels (coverage > 0) as (x, y_down, weight) with pixel centres at +0.5.</summary>
    static List<(double X, double Y, double W)> Ink(Tensor coverage)
    {
        int h = (int)coverage.shape[0], w = (int)coverage.shape[1];
        var c = coverage.contiguous().data<float>().ToArray();
        var ink = new List<(double, double, double)>();
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) if (c[y * w + x] > 0) ink.Add((x + 0.5, y + 0.5, c[y * w + x]));
        return ink;
    }

    [Fact]
    public void A_corners_arms_run_at_the_requested_angle_and_its_outermost_point_stays_put_whatever_the_rounding()
    {
        var style = new StimulusStyle(Size: 64);
        // A sharp right angle pointing up, apex at the centre: arms down-left and down-right at 45°, 20 px long.
        using (var sharp = Stimulus.Coverage(new Corner(90, Angle: 90, Radius: 0, ArmLength: 20, LineWidth: 2), style))
        {
            var ink = Ink(sharp);
            double total = ink.Sum(p => p.W), reach = 20 * Math.Sin(Math.PI / 4);
            Assert.Equal(32, ink.Sum(p => p.W * p.X) / total, 1);                     // symmetric about the vertical
            Assert.InRange(ink.Min(p => p.X), 32 - reach - 2, 32 - reach);             // the arms' ends
            Assert.InRange(ink.Max(p => p.X), 32 + reach, 32 + reach + 2);
            Assert.InRange(ink.Max(p => p.Y), 32 + reach, 32 + reach + 2);
            // Every ink pixel lies on one of the two 45° lines through the apex (within the stroke and a pixel).
            Assert.All(ink, p => Assert.True(Math.Min(Math.Abs((p.X - 32) - (p.Y - 32)), Math.Abs((p.X - 32) + (p.Y - 32))) / Math.Sqrt(2) <= 1 + 0.75,
                $"({p.X}, {p.Y}) is off the arms"));
            Assert.True(sharp[32, 32].item<float>() > 0.5f, "a sharp corner inks its apex");
        }
        foreach (var radius in new[] { 0.0, 5, 10 })
        {
            using var rounded = Stimulus.Coverage(new Corner(90, Angle: 90, Radius: radius, ArmLength: 20, LineWidth: 2), style);
            var strong = Ink(rounded).Where(p => p.W > 0.5).ToList();
            Assert.InRange(strong.Min(p => p.Y), 31, 31.6);                              // the centre line's top at row 32, half a stroke above
        }
        using (var rounded = Stimulus.Coverage(new Corner(90, Angle: 90, Radius: 10, ArmLength: 20, LineWidth: 2), style))
        {
            // The rounding cuts the sharp apex, which would sit r / sin 45° − r ≈ 4.1 px above the outermost point.
            Assert.Equal(0f, rounded[27, 32].item<float>());
            // Points of the rounding lie one radius from its centre, r / sin 45° below the sharp apex: at (32, 42).
            var nearTop = Ink(rounded).Where(p => p.W > 0.5 && p.Y < 36).ToList();
            Assert.All(nearTop, p => Assert.InRange(Math.Sqrt((p.X - 32) * (p.X - 32) + (p.Y - 42) * (p.Y - 42)), 10 - 1.8, 10 + 1.8));
        }
        var inks = Stimulus.Circle(15).Select(o => { using var c = Stimulus.Coverage(new Corner(o, 60, 6, 18, 3), style); return c.sum().item<float>(); }).ToList();
        Assert.True((inks.Max() - inks.Min()) / inks.Average() < 0.02, $"ink varies with orientation: {inks.Min()}..{inks.Max()}");
        Assert.Contains("(0, 180)", Assert.Throws<ArgumentOutOfRangeException>(() => Stimulus.Coverage(new Corner(0, Angle: 180), style)).Message);
        Assert.Contains("radius ≥ 0", Assert.Throws<ArgumentException>(() => Stimulus.Coverage(new Corner(0, Radius: -1), style)).Message);
        using var set = Stimulus.Corners([new Corner(0), new Corner(90)], style);
        Assert.Equal([2L, 3, 64, 64], set.Images.shape);
    }

    [Fact]
    public void An_arcs_ink_lies_at_the_requested_radius_and_orientation()
    {
        var style = new StimulusStyle(Size: 64);
        using var coverage = Stimulus.Coverage(new Arc(Orientation: 90, Curvature: 1.0 / 20, Length: 40, LineWidth: 2), style);
        var ink = Ink(coverage);
        // Bulging up with radius 20 and its midpoint at the centre: the centre of curvature is 20 px below it.
        double cx = 32, cy = 32 + 20, total = ink.Sum(p => p.W);
        double meanRadius = ink.Sum(p => p.W * Math.Sqrt((p.X - cx) * (p.X - cx) + (p.Y - cy) * (p.Y - cy))) / total;
        double meanAngle = Math.Atan2(-ink.Sum(p => p.W * (p.Y - cy)), ink.Sum(p => p.W * (p.X - cx))) * 180 / Math.PI;
        output.WriteLine($"mean radius {meanRadius:F3}, mean direction {meanAngle:F2}°, ink {total:F1} px");
        Assert.InRange(meanRadius, 19.7, 20.3);
        Assert.InRange(meanAngle, 89.5, 90.5);
        Assert.All(ink, p => Assert.InRange(Math.Sqrt((p.X - cx) * (p.X - cx) + (p.Y - cy) * (p.Y - cy)), 20 - 1 - 0.75, 20 + 1 + 0.75));
        // The arc subtends length / radius = 2 rad = ±57.3° about the vertical (plus the round caps).
        var angles = ink.Select(p => Math.Atan2(-(p.Y - cy), p.X - cx) * 180 / Math.PI).ToList();
        Assert.InRange(angles.Max() - 90, 57.3 - 1, 57.3 + 5);
        Assert.InRange(90 - angles.Min(), 57.3 - 1, 57.3 + 5);
        // Its area: length × width plus the two half-disc caps.
        Assert.InRange(total, 0.97 * (40 * 2 + Math.PI), 1.03 * (40 * 2 + Math.PI));
    }

    [Fact]
    public void Total_ink_is_the_same_under_rotation_and_curvature()
    {
        var style = new StimulusStyle(Size: 96);
        var totals = new List<double>();
        foreach (var kappa in new[] { 0.0, 1.0 / 60, 1.0 / 30 })
            foreach (var o in Stimulus.Circle(30))
            {
                using var c = Stimulus.Coverage(new Arc(o, kappa, Length: 50, LineWidth: 3), style);
                totals.Add(c.sum().item<float>());
            }
        output.WriteLine($"ink from {totals.Min():F2} to {totals.Max():F2} px over {totals.Count} arcs");
        Assert.True(totals.Max() / totals.Min() < 1.02, $"ink varies from {totals.Min()} to {totals.Max()}");
    }

    [Fact]
    public void A_straight_segment_is_straight_and_runs_perpendicular_to_its_orientation()
    {
        using var c = Stimulus.Coverage(new Arc(Orientation: 30, Curvature: 0, Length: 60, LineWidth: 1.5), new StimulusStyle(Size: 96));
        var ink = Ink(c);
        double total = ink.Sum(p => p.W), mx = ink.Sum(p => p.W * p.X) / total, my = ink.Sum(p => p.W * p.Y) / total;
        double sxx = ink.Sum(p => p.W * (p.X - mx) * (p.X - mx)) / total, syy = ink.Sum(p => p.W * (p.Y - my) * (p.Y - my)) / total;
        double sxy = ink.Sum(p => p.W * (p.X - mx) * (p.Y - my)) / total;
        double tr = sxx + syy, det = sxx * syy - sxy * sxy, small = tr / 2 - Math.Sqrt(tr * tr / 4 - det);
        double axis = Math.Atan2(-2 * sxy, sxx - syy) / 2 * 180 / Math.PI;   // principal direction, y up
        output.WriteLine($"perpendicular spread {Math.Sqrt(small):F3} px, direction {axis:F2}°");
        Assert.True(Math.Sqrt(small) < 0.6, $"the segment is not straight: residual {Math.Sqrt(small)} px");
        double off = ((axis - 120) % 180 + 180) % 180;                       // orientation 30° → runs along 120° (mod 180°)
        Assert.True(Math.Min(off, 180 - off) < 0.5, $"runs along {axis}°");
        Assert.InRange(mx, 47.9, 48.1);
        Assert.InRange(my, 47.9, 48.1);
    }

    [Fact]
    public void Filled_arcs_gratings_boundaries_and_rotations()
    {
        var style = new StimulusStyle(Size: 64);
        using var stroke = Stimulus.Coverage(new Arc(90, 1.0 / 15, 40, 2), style);
        using var filled = Stimulus.Coverage(new Arc(90, 1.0 / 15, 40, 2, Filled: true), style);
        Assert.True(filled.sum().item<float>() > 2 * stroke.sum().item<float>());
        Assert.Equal(1f, filled[34, 32].item<float>()); // just below the midpoint, inside the segment
        // A grating of 1/8 cycle per pixel along x repeats every 8 columns; its mean is halfway between the colours.
        using var g = Stimulus.Draw(new Grating(0, 0.125), style);
        Assert.True((g[.., .., 8..] - g[.., .., ..^8]).abs().max().item<float>() < 1e-5f);
        Assert.Equal(0.25, g.mean().item<float>(), 3);
        // A frequency boundary pointing right: flat background on the left, stripes on the right.
        using var b = Stimulus.Draw(new FrequencyBoundary(0, HighFrequency: 0.25), style);
        Assert.Equal(0.5f, b[.., .., ..30].mean().item<float>(), 5);
        Assert.True(b[.., .., 34..].std().item<float>() > 0.1f);
        // Rotations of an image: 0° is the image itself.
        using var rot = Stimulus.Rotations(g, Stimulus.Circle(90));
        Assert.Equal(4, rot.Count);
        Assert.True((rot.Images[0] - g).abs().max().item<float>() < 1e-6f);
        // Colours: ink and background as given.
        using var red = Stimulus.Draw(new Arc(0, 0, 20, 6), new StimulusStyle(Size: 32, Background: [1, 1, 1], Ink: [1, 0, 0]));
        Assert.Equal([1f, 0f, 0f], red[.., 16, 16].data<float>().ToArray());
        Assert.Equal([1f, 1f, 1f], red[.., 0, 0].data<float>().ToArray());
    }

    [Fact]
    public void Rotations_turn_counter_clockwise_on_screen_about_the_given_centre_and_the_aperture_keeps_the_rest_grey()
    {
        // A 3×3 white square centred 6 px right of the centre (10.5, 8.5) of a grey 20×24 image.
        var img = full([3, 20, 24], 0.5f);
        img[.., 7..10, 15..18] = tensor(1f);
        using var rot = Stimulus.Rotations(img, [90, 180, 270], centreX: 10.5, centreY: 8.5, aperture: 8);
        (double Y, double X) Centroid(Tensor t)
        {
            var m = (t[0] - 0.5f).clamp_min(0);
            double sum = m.sum().item<float>();
            return (Math.Round((m * arange(20).view(20, 1)).sum().item<float>() / sum, 4), Math.Round((m * arange(24).view(1, 24)).sum().item<float>() / sum, 4));
        }
        Assert.Equal((8, 16), Centroid(img));
        Assert.Equal((2, 10), Centroid(rot.Images[0]));    // 90°: 6 px up (rows grow downwards)
        Assert.Equal((8, 4), Centroid(rot.Images[1]));     // 180°: 6 px left
        Assert.Equal((14, 10), Centroid(rot.Images[2]));   // 270°: 6 px down
        // The whole square arrives (quarter turns of pixel centres land on pixel centres), nothing else changes.
        Assert.Equal(9 * 0.5f, (rot.Images[0] - 0.5f).clamp_min(0)[0].sum().item<float>(), 4);
        // Outside the aperture every rotation is the fill.
        using var far = Stimulus.Rotations(img, [0], centreX: 10.5, centreY: 8.5, aperture: 4);
        Assert.Equal(0.5f, far.Images[0][0, 8, 16].item<float>());                   // 6 px from the centre: cut
        Assert.Equal(0.5f, far.Images[0][0, 0, 0].item<float>());
        Assert.Contains("radius in px above 0", Assert.Throws<ArgumentOutOfRangeException>(() => Stimulus.Rotations(img, [0], aperture: 0)).Message);
    }

    [Fact]
    public void Bad_stimulus_settings_say_what_is_valid()
    {
        Assert.Contains("(0, 0.5)", Assert.Throws<ArgumentOutOfRangeException>(() => Stimulus.Draw(new Grating(0, 0.6))).Message);
        Assert.Contains("three RGB values", Assert.Throws<ArgumentException>(() => Stimulus.Draw(new Arc(0, 0), new StimulusStyle(Size: 16, Ink: [2, 0, 0]))).Message);
        Assert.Contains("positive length", Assert.Throws<ArgumentException>(() => Stimulus.Coverage(new Arc(0, 0, Length: 0))).Message);
        Assert.Contains("at least one stimulus", Assert.Throws<ArgumentException>(() => Stimulus.Arcs([])).Message);
    }

    [Fact]
    public void A_hand_built_line_detector_has_the_tuning_curve_it_must()
    {
        using var model = new HookedModel("lines", new TestUnits.HorizontalLineNet(), new InputConvention(32, "identity"));
        // Centred on the measured neuron's input pixel (16, 16), whose centre is at 16.5.
        using var lines = Stimulus.Arcs(Enumerable.Range(0, 12).Select(i => new Arc(i * 15, 0, Length: 20, LineWidth: 2, X: 16.5, Y: 16.5)), new StimulusStyle(Size: 32));
        var curve = Tuning.Measure(model, Unit.Parse("relu:0"), lines);
        output.WriteLine(string.Join("  ", curve.Points.Select(p => $"{p.Parameter.Orientation}°: {p.Response:F3}")));
        // A horizontal line has its normal at 90°: the filter's best stimulus.
        Assert.Equal(90, curve.Best.Orientation);
        // The filter's rows sum to zero, so a vertical line (orientation 0°) draws nothing.
        Assert.Equal(0, curve.Points.Single(p => p.Parameter.Orientation == 0).Response, 5);
        // Orientation is axial (period 180°): double the angle for the circular measure.
        var (selectivity, preferred) = curve.Circular(p => 2 * p.Orientation);
        Assert.InRange(preferred, 179, 181);
        Assert.True(selectivity > 0.5, $"selectivity {selectivity}");
        Assert.True(curve.PeakToMean > 2, $"peak-to-mean {curve.PeakToMean}");
        Assert.Contains("names no channel", Assert.Throws<ArgumentException>(() => Tuning.Measure(model, Unit.Parse("relu"), lines)).Message);
    }

    [Fact]
    public void An_orientation_by_curvature_grid_keeps_its_layout()
    {
        using var set = Stimulus.ArcGrid(Stimulus.Circle(90), [0.0, 0.05], new Arc(0, 0, 20, 2), new StimulusStyle(Size: 32));
        Assert.Equal(8, set.Count);
        Assert.Equal([8L, 3, 32, 32], set.Images.shape);
        var curve = new TuningCurve<Arc>(Unit.Parse("x:0"), [.. set.Parameters.Select((p, i) => new TuningPoint<Arc>(p, i))]);
        var (rows, cols, values) = curve.Grid(p => p.Orientation, p => p.Curvature);
        Assert.Equal([0.0, 90, 180, 270], rows);
        Assert.Equal([0.0, 0.05], cols);
        Assert.Equal(3, values[1, 1]); // orientation 90, curvature 0.05 is the 4th stimulus
    }
}
