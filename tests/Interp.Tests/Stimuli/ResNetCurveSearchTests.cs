using Interp.Datasets;
using Interp.Stimuli;
using Interp.Tests.Models;

namespace Interp.Tests.Stimuli;

/// <summary>The curve search at its default thresholds on the real ResNet-18, where notebooks 02 and 03 use it.</summary>
[Collection("resnet18")]
public class ResNetCurveSearchTests(ResNet18Fixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void At_the_default_thresholds_the_search_accepts_a_curve_unit_of_layer2_and_rejects_its_look_alikes()
    {
        // Notebook 02's quick settings, natural peaks over the centred square of every shipped photo.
        var model = fixture.Model;
        var scan = DatasetScan.Run(model, "layer2", SamplePhotos.Crops(1), new ScanSettings(Size: 224, TopK: 1, BatchSize: 16));
        var found = CurveSearch.Measure(model, "layer2", scan.Peaks(), new CurveSearchSettings(OrientationStep: 30, Shifts: [-6, 0, 6]));
        var criteria = new CurveCriteria();
        Assert.Equal(0.2, criteria.OppositeAtMost);
        var passing = found.Where(c => c.Passes(criteria)).ToList();
        foreach (var c in passing)
            output.WriteLine($"layer2:{c.Channel}: curve {c.BestCurve:F2} at {c.BestCurveStimulus.Orientation}°, line {c.BestLine:F2}, opposite {c.Opposite:F2} " +
                             $"({c.Opposite / c.BestCurve:P0} of the curve), ring {c.Ring:F2}, natural {c.Natural:F2}");
        Assert.NotEmpty(passing);
        // A passing unit's opposite bulge is within the default 0.2 of its preferred one, yet the unit answers its own curve
        // far above its best line: the threshold accepts real curve detectors, not only hand-built templates.
        var strongest = passing.MaxBy(c => c.BestCurve / c.Natural)!;
        Assert.True(strongest.Opposite <= 0.2 * strongest.BestCurve && strongest.BestCurve >= 1.5 * strongest.BestLine);
        // The controls do reject: most channels a curve drives strongly (strength only) fail one of them.
        var naive = found.Count(c => c.Passes(new CurveCriteria(CurveOverLine: 0, OppositeAtMost: double.PositiveInfinity, ArcOverRing: 0)));
        output.WriteLine($"{passing.Count} of {found.Count} pass; strength alone keeps {naive}.");
        Assert.True(naive > passing.Count, $"strength alone keeps {naive}, the full criteria {passing.Count}");
    }
}
