using Interp.Hooks;
using Interp.Stimuli;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Tests.Stimuli;

public class CurveSearchTests(ITestOutputHelper output)
{
    /// <summary>
    /// Three hand-built 31×31 template units on 64 px images, each matching dark ink drawn by the stimulus code itself:
    /// 0 an arc bulging up (radius 10), 1 a horizontal line, 2 a full ring of radius 10.
    /// </summary>
    sealed class TemplateNet : nn.Module<Tensor, Tensor>
    {
        readonly Conv2d conv = nn.Conv2d(3, 3, 31, padding: 15, bias: false);
        readonly ReLU relu = nn.ReLU();

        public TemplateNet() : base("templates")
        {
            RegisterComponents();
            var style = new StimulusStyle(Size: 31);
            Arc[] templates =
            [
                new(90, 0.1, 25, 3, 15.5, 15.5),
                new(90, 0, 25, 3, 15.5, 15.5),
                new(90, 0.1, 2 * Math.PI * 10 + 1, 3, 15.5, 15.5 - 10),
            ];
            using var _ = no_grad();
            for (int k = 0; k < 3; k++)
            {
                using var t = Stimulus.Coverage(templates[k], style);
                using var kernel = -(t - t.mean());                      // dark ink on grey: weight the ink negatively
                conv.weight![k].copy_(kernel.unsqueeze(0).expand(3, 31, 31) / 3);
            }
        }

        public override Tensor forward(Tensor x) => relu.call(conv.call(x));
    }

    [Fact]
    public void The_curve_template_passes_and_the_line_and_ring_templates_fail_for_the_right_reasons()
    {
        using var model = new HookedModel("templates", new TemplateNet(), new InputConvention(64, "identity"));
        using var natural = rand([4, 3, 64, 64], generator: new Generator().manual_seed(0));
        var settings = new CurveSearchSettings(OrientationStep: 30, Curvatures: [0.05, 0.1], Length: 25, LineWidth: 3, Shifts: [-4, 0, 4]);
        var found = CurveSearch.Measure(model, "relu", natural, settings, new StimulusStyle(Size: 64));
        // A linear template still answers a shifted opposite arc where the two cross (about a quarter here), so this test
        // allows 0.3 for the opposite bulge; the other thresholds are the defaults.
        var criteria = new CurveCriteria(OppositeAtMost: 0.3);
        foreach (var c in found)
            output.WriteLine($"{c.Channel}: curve {c.BestCurve:F3} ({c.BestCurveStimulus.Orientation}°, κ {c.BestCurveStimulus.Curvature}), line {c.BestLine:F3}, " +
                             $"opposite {c.Opposite:F3}, ring {c.Ring:F3}, natural {c.Natural:F3}, selectivity {c.OrientationSelectivity:F2}: " +
                             (c.Passes(criteria) ? "passes" : string.Join("; ", c.Failures(criteria))));
        Assert.True(found[0].Passes(criteria), string.Join("; ", found[0].Failures(criteria)));
        Assert.Equal(90, found[0].BestCurveStimulus.Orientation);
        Assert.Equal(0.1, found[0].BestCurveStimulus.Curvature);
        Assert.Contains("prefers lines", found[1].Failures(criteria));
        Assert.Contains("prefers the full ring", found[2].Failures(criteria));
    }

    [Fact]
    public void Natural_peaks_given_directly_match_the_batch_version_and_the_orientation_curve_repeats_the_search()
    {
        using var model = new HookedModel("templates", new TemplateNet(), new InputConvention(64, "identity"));
        using var natural = rand([4, 3, 64, 64], generator: new Generator().manual_seed(0));
        var settings = new CurveSearchSettings(OrientationStep: 30, Curvatures: [0.05, 0.1], Length: 25, LineWidth: 3, Shifts: [-4, 0, 4]);
        var style = new StimulusStyle(Size: 64);
        var fromImages = CurveSearch.Measure(model, "relu", natural, settings, style);
        double[] peaks;
        using (no_grad()) using (var act = model.RunWithCache(natural, "relu")) peaks = act["relu"].to(float64).amax([0, 2, 3]).data<double>().ToArray();
        var fromPeaks = CurveSearch.Measure(model, "relu", peaks, settings, style);
        Assert.Equal(fromImages, fromPeaks);
        Assert.Contains("3 channels but 2 natural peaks", Assert.Throws<ArgumentException>(() => CurveSearch.Measure(model, "relu", new double[] { 1, 2 }, settings,
            style)).Message);
        // The orientation curve at the best curvature and shift contains the search's best response at the best orientation.
        var arcUnit = fromPeaks[0];
        var curve = CurveSearch.OrientationCurve(model, "relu", arcUnit, step: 30, style);
        Assert.Equal(12, curve.Points.Count);
        Assert.Equal(arcUnit.BestCurveStimulus, curve.Best);
        Assert.Equal(arcUnit.BestCurve, curve.Peak, 6);
        Assert.Contains(arcUnit.BestShift, settings.ShiftList);
        // Several at once give each one's own curve.
        var both = CurveSearch.OrientationCurves(model, "relu", [fromPeaks[1], arcUnit], step: 30, style);
        Assert.Equal(curve.Points.Select(p => p.Response), both[1].Points.Select(p => p.Response));
        Assert.Equal(CurveSearch.OrientationCurve(model, "relu", fromPeaks[1], step: 30, style).Points.Select(p => p.Response), both[0].Points.Select(p => p.Response));
        Assert.Equal(1, both[0].Unit.Channel);
    }
}
