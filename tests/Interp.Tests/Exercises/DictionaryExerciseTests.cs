using Interp.Exercises;
using Interp.Exercises.Dictionary;
using Interp.Stimuli;
using static TorchSharp.torch;

namespace Interp.Tests.Exercises;

public class DictionaryExerciseTests
{
    static Tensor TopK(Tensor pre, int k, bool relu = true, bool largest = true)
    {
        var (values, indices) = pre.topk(k, dim: 1, largest: largest);
        return zeros_like(pre).scatter(1, indices, relu ? nn.functional.relu(values) : values);
    }

    [Fact] public void The_solution_of_05_1_passes() => AssertPasses(TopKExercise.Check((pre, k) => TopK(pre, k)));
    [Fact] public void Keeping_negative_values_fails_05_1() => AssertFails(TopKExercise.Check((pre, k) => TopK(pre, k, relu: false)), "differs from the reference");
    [Fact] public void Keeping_the_smallest_fails_05_1() => AssertFails(TopKExercise.Check((pre, k) => TopK(pre, k, largest: false)), "differs from the reference");
    [Fact] public void A_plain_relu_fails_05_1() => AssertFails(TopKExercise.Check((pre, k) => nn.functional.relu(pre)), "differs from the reference");

    static (string, double) TopConcept(float[] r, IReadOnlyList<IReadOnlyCollection<string>> labels, int top, bool onlyActive = true, bool allLabels = true,
        bool divideByTop = false)
    {
        var kept = Enumerable.Range(0, r.Length).Where(i => !onlyActive || r[i] > 0).OrderByDescending(i => r[i]).ThenBy(i => i).Take(top).ToList();
        var counts = kept.SelectMany(i => allLabels ? labels[i] : labels[i].Take(1)).GroupBy(l => l).OrderByDescending(g => g.Count())
            .ThenBy(g => g.Key, StringComparer.Ordinal).First();
        return (counts.Key, (double)counts.Count() / (divideByTop ? top : kept.Count));
    }

    [Fact] public void The_solution_of_05_2_passes() => AssertPasses(TopConceptExercise.Check((r, l, t) => TopConcept(r, l, t)));
    [Fact] public void Counting_silent_images_fails_05_2() => AssertFails(TopConceptExercise.Check((r, l, t) => TopConcept(r, l, t, onlyActive: false)), "top 30");
    [Fact] public void Reading_only_each_images_first_label_fails_05_2() => AssertFails(TopConceptExercise.Check((r, l, t) => TopConcept(r, l, t, allLabels: false)), "unit");
    [Fact] public void Dividing_by_top_instead_of_the_images_kept_fails_05_2() =>
        AssertFails(TopConceptExercise.Check((r, l, t) => TopConcept(r, l, t, divideByTop: true)), "has share");

    static CurveCandidate Candidate(int channel, double orientation, bool passes = true) =>
        new(channel, BestCurve: 1, new Arc(orientation, 0.05, 40, 3), BestLine: passes ? 0.2 : 0.9, Opposite: 0, Ring: 0, Natural: 1, OrientationSelectivity: 0.9);

    static readonly CurveCandidate[] Neurons = [Candidate(0, 60), Candidate(1, 90), Candidate(2, 180), Candidate(3, 270), Candidate(4, 0, passes: false)];
    static readonly CurveCandidate[] Features = [Candidate(0, 70), Candidate(1, 0), Candidate(2, 135, passes: false), Candidate(3, 225)];

    [Fact] public void A_passing_feature_far_from_every_neuron_passes_05_3() =>
        AssertPasses(GapFeatureExercise.Check(Neurons, Features, new CurveCriteria(), (_, _, _) => 1));
    [Fact] public void A_feature_beside_a_neuron_fails_05_3() =>
        AssertFails(GapFeatureExercise.Check(Neurons, Features, new CurveCriteria(), (_, _, _) => 0), "only 10° from");
    [Fact] public void A_feature_that_is_no_curve_detector_fails_05_3() =>
        AssertFails(GapFeatureExercise.Check(Neurons, Features, new CurveCriteria(), (_, _, _) => 2), "prefers lines");
    [Fact] public void A_feature_that_does_not_exist_fails_05_3() =>
        AssertFails(GapFeatureExercise.Check(Neurons, Features, new CurveCriteria(), (_, _, _) => 9), "no feature 9");
    [Fact] public void Without_any_gap_feature_the_check_says_so() =>
        Assert.Contains("nothing to find", GapFeatureExercise.Check(Neurons, [Candidate(0, 70)], new CurveCriteria(), (_, _, _) => 0).Message);

    static void AssertPasses(CheckResult r) => Assert.True(r.Passed, r.ToString());

    static void AssertFails(CheckResult r, string messagePart)
    {
        Assert.False(r.Passed, "a wrong answer passed");
        Assert.Contains(messagePart, r.ToString());
    }
}
