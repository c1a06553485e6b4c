using Interp.Circuits;
using Interp.Datasets;
using Interp.Exercises;
using Interp.Exercises.CurveCircuits;
using Interp.Images;
using Interp.Stimuli;
using Interp.Tests.Models;
using Interp.Models;
using static TorchSharp.torch;

namespace Interp.Tests.Exercises;

public class CurveCircuitExerciseTests
{
    // ----- 03.1 Composed kernels -----
    static Tensor Compose(Tensor first, Tensor second, int o, bool flip = false, bool secondOnly = false)
    {
        if (secondOnly) return second[o].clone();
        long c1 = first.shape[1];
        var e = zeros([c1, 5, 5]);
        for (int ey = 0; ey < 3; ey++)
            for (int ex = 0; ex < 3; ex++)
                for (int dy = 0; dy < 3; dy++)
                    for (int dx = 0; dx < 3; dx++)
                    {
                        // [C2] · [C2, C1] → [C1]
                        var contribution = second[o, .., ey, ex].matmul(first[.., .., dy, dx]);
                        int y = flip ? ey + (2 - dy) : ey + dy, x = flip ? ex + (2 - dx) : ex + dx;
                        e[.., y, x] += contribution;
                    }
        return e;
    }

    [Fact] public void The_solution_of_03_1_passes() => AssertPasses(ComposedKernelExercise.Check((a, b, o) => Compose(a, b, o)));
    [Fact] public void A_flipped_first_kernel_fails_03_1() => AssertFails(ComposedKernelExercise.Check((a, b, o) => Compose(a, b, o, flip: true)), "differ");
    [Fact] public void The_second_layers_weights_alone_fail_03_1() => AssertFails(ComposedKernelExercise.Check((a, b, o) => Compose(a, b, o, secondOnly: true)), "shape");
    [Fact] public void A_stub_fails_03_1_with_the_exception() => AssertFails(ComposedKernelExercise.Check((_, _, _) => throw new NotImplementedException("Write it")),
        "NotImplementedException");

    // ----- 03.3 Patching -----
    static IReadOnlyList<(int Y, int X)> Important(PatchingReport report, double threshold, bool raw = false, bool sort = true)
    {
        var scored = report.Patches.Select(p => (p, f: raw ? p.Metric : report.Recovered(p))).Where(t => t.f >= threshold);
        if (sort) scored = scored.OrderByDescending(t => t.f);
        return [.. scored.Select(t => (t.p.Y!.Value, t.p.X!.Value))];
    }

    [Fact] public void The_solution_of_03_3_passes() => AssertPasses(PatchingExercise.Check((r, t) => Important(r, t)));
    [Fact] public void The_raw_metric_instead_of_the_fraction_fails_03_3() => AssertFails(PatchingExercise.Check((r, t) => Important(r, t, raw: true)), "the answer is");
    [Fact] public void An_unsorted_answer_fails_03_3() => AssertFails(PatchingExercise.Check((r, t) => Important(r, t, sort: false)), "the answer is");
    [Fact]
    public void A_gap_taken_as_positive_fails_03_3() => AssertFails(PatchingExercise.Check((r, t) =>
        Important(r with { Clean = Math.Max(r.Clean, r.Corrupted), Corrupted = Math.Min(r.Clean, r.Corrupted) }, t)), "falls");

    static void AssertPasses(CheckResult r) => Assert.True(r.Passed, r.ToString());

    internal static void AssertFails(CheckResult r, string messagePart)
    {
        Assert.False(r.Passed, "a wrong answer passed");
        Assert.Contains(messagePart, r.ToString());
    }
}

/// <summary>What exercise 03.2 needs on the real ResNet-18: layer1's line tuning, the layer1 → layer2 alignment and a few photos.</summary>
public sealed class CurveKernelFixture : IDisposable
{
    public CurveKernelFixture(ResNet18Fixture resnet)
    {
        Tuning = LineTuning.Measure(resnet.Model, "layer1");
        Alignment = LayerAlignment.Between(resnet.Model, "layer1", "layer2");
        using var crops = SamplePhotos.Crops(1);
        Images = stack([.. Enumerable.Range(0, 8).Select(i => { using var raw = crops.Load(i); return ImageTensors.ResizeCenterCrop(raw, 224); })]);
    }

    public LineTuning Tuning { get; }
    public LayerAlignment Alignment { get; }
    public Tensor Images { get; }

    /// <summary>ResNet-18's layer2:82 as notebook 02's search describes it: curves of curvature 1/20 bulging towards 255°, drawn 4 px out along that direction.</summary>
    public static CurveCandidate Detector82 { get; } = new(82, BestCurve: 20.4, new Arc(255, 0.05, 40, 3, 112.5 + 4 * Math.Cos(255 * Math.PI / 180),
        112.5 - 4 * Math.Sin(255 * Math.PI / 180)),
        BestLine: 5, Opposite: 0, Ring: 1, Natural: 17, OrientationSelectivity: 0.9, BestShift: 4);

    public void Dispose() => Images.Dispose();
}

[Collection("resnet18")]
public class CurveKernelExerciseTests(ResNet18Fixture resnet, CurveKernelFixture data, ITestOutputHelper output) : IClassFixture<CurveKernelFixture>
{
    CheckResult Check(CurveKernelExercise.Answer answer)
    {
        var result = CurveKernelExercise.Check(answer, resnet.Model, CurveKernelFixture.Detector82, data.Tuning, data.Alignment, data.Images);
        output.WriteLine(result.ToString());
        return result;
    }

    [Fact]
    public void The_solution_of_03_2_passes()
    {
        var result = Check((t, c, a) => HandWrittenCurves.Kernel(t, c, a));
        Assert.True(result.Passed, result.ToString());
    }

    [Fact]
    public void The_orientation_blind_control_itself_fails_03_2() =>
        CurveCircuitExerciseTests.AssertFails(Check((t, c, a) => HandWrittenCurves.Kernel(t, c, a, new CurveRecipe(OrientationBlind: true))), "orientation-blind control explains");

    [Fact]
    public void The_curve_bulging_the_other_way_fails_03_2()
    {
        var r = Check((t, c, a) => HandWrittenCurves.Kernel(t, c with { Orientation = c.Orientation + 180 }, a));
        CurveCircuitExerciseTests.AssertFails(r, "Your unit");
    }

    [Fact] public void An_even_kernel_fails_03_2() => CurveCircuitExerciseTests.AssertFails(Check((t, c, a) => zeros([t.Channels, 4, 4])), "k odd");
    [Fact] public void A_zero_kernel_fails_03_2() => CurveCircuitExerciseTests.AssertFails(Check((t, c, a) => zeros([t.Channels, 5, 5])), "could not be calibrated");
}
