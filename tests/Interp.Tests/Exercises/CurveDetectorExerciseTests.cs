using Interp.Exercises;
using Interp.Exercises.CurveDetectors;
using Interp.Hooks;
using Interp.Stimuli;
using static TorchSharp.torch;

namespace Interp.Tests.Exercises;

public class CurveDetectorExerciseTests
{
    // ----- 02.1 Responses -----
    static double[] Responses(HookedModel model, string layer, int channel, Tensor stimuli, bool meanOverPositions = false, int offset = 0)
    {
        using var cache = model.RunWithCache(stimuli, layer);
        var act = cache[layer];
        var ch = act[.., channel];
        var v = meanOverPositions ? ch.mean([1, 2]) : ch[.., act.shape[2] / 2 + offset, act.shape[3] / 2];
        return v.to(float64).data<double>().ToArray();
    }

    [Fact] public void The_solution_of_02_1_passes() => AssertPasses(ResponsesExercise.Check((m, l, c, s) => Responses(m, l, c, s)));
    [Fact] public void The_channel_mean_instead_of_the_centre_fails_02_1() => AssertFails(ResponsesExercise.Check((m, l, c, s) => Responses(m, l, c, s, meanOverPositions: true)),
        "differs from the reference");
    [Fact] public void An_off_centre_position_fails_02_1() => AssertFails(ResponsesExercise.Check((m, l, c, s) => Responses(m, l, c, s, offset: 1)), "differs from the reference");
    [Fact] public void The_wrong_channel_fails_02_1() => AssertFails(ResponsesExercise.Check((m, l, c, s) => Responses(m, l, 1 - c, s)), "differs from the reference");

    // ----- 02.2 Selectivity -----
    static double Selectivity(double[] degrees, double[] responses, bool clamp = true, bool radians = true)
    {
        double sx = 0, sy = 0, sum = 0;
        for (int i = 0; i < degrees.Length; i++)
        {
            double r = clamp ? Math.Max(0, responses[i]) : responses[i], a = radians ? degrees[i] * Math.PI / 180 : degrees[i];
            sx += r * Math.Cos(a); sy += r * Math.Sin(a); sum += r;
        }
        return Math.Sqrt(sx * sx + sy * sy) / sum;
    }

    [Fact] public void The_solution_of_02_2_passes() => AssertPasses(SelectivityExercise.Check((d, r) => Selectivity(d, r)));
    [Fact] public void Not_clamping_negative_responses_fails_02_2() => AssertFails(SelectivityExercise.Check((d, r) => Selectivity(d, r, clamp: false)), "negative responses");
    [Fact] public void Degrees_used_as_radians_fail_02_2() => AssertFails(SelectivityExercise.Check((d, r) => Selectivity(d, r, radians: false)), "should be");

    // ----- 02.3 Detector -----
    static int Detector(IReadOnlyList<CurveCandidate> candidates, CurveCriteria criteria, double degrees, bool wrap = true, bool onlyPassing = true)
    {
        var pool = candidates.Where(c => !onlyPassing || c.Passes(criteria)).ToList();
        if (pool.Count == 0) return -1;
        double Gap(double a) { double d = Math.Abs(a - degrees); return wrap ? Math.Min(d % 360, 360 - d % 360) : d; }
        return pool.MinBy(c => Gap(c.BestCurveStimulus.Orientation))!.Channel;
    }

    [Fact] public void The_solution_of_02_3_passes() => AssertPasses(DetectorExercise.Check((c, k, d) => Detector(c, k, d)));
    [Fact] public void A_distance_that_does_not_wrap_fails_02_3() => AssertFails(DetectorExercise.Check((c, k, d) => Detector(c, k, d, wrap: false)), "350");
    [Fact] public void Ignoring_the_criteria_fails_02_3() => AssertFails(DetectorExercise.Check((c, k, d) => Detector(c, k, d, onlyPassing: false)), "fails the criteria");
    [Fact] public void A_stub_fails_02_3_with_the_exception() => AssertFails(DetectorExercise.Check((_, _, _) => throw new NotImplementedException("Write it")),
        "NotImplementedException");

    static void AssertPasses(CheckResult r) => Assert.True(r.Passed, r.ToString());

    static void AssertFails(CheckResult r, string messagePart)
    {
        Assert.False(r.Passed, "a wrong answer passed");
        Assert.Contains(messagePart, r.ToString());
    }
}
