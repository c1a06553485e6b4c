using Interp.Exercises;
using Interp.Exercises.MultimodalNeurons;
using Interp.Multimodal;

namespace Interp.Tests.Exercises;

public class MultimodalExerciseTests
{
    static double Pearson(double[] a, double[] b, bool centre = true, bool guardFlat = true)
    {
        double ma = centre ? a.Average() : 0, mb = centre ? b.Average() : 0;
        double num = a.Zip(b).Sum(p => (p.First - ma) * (p.Second - mb));
        double den = Math.Sqrt(a.Sum(x => (x - ma) * (x - ma)) * b.Sum(x => (x - mb) * (x - mb)));
        return guardFlat && den == 0 ? 0 : num / den;
    }

    [Fact] public void The_solution_of_04_1_passes() => AssertPasses(ProfileCorrelationExercise.Check((p, w) => Pearson(p, w)));
    [Fact] public void Cosine_similarity_instead_of_correlation_fails_04_1() => AssertFails(ProfileCorrelationExercise.Check((p, w) => Pearson(p, w, centre: false)),
        "you returned");
    [Fact] public void Dividing_by_zero_on_a_flat_profile_fails_04_1() => AssertFails(ProfileCorrelationExercise.Check((p, w) => Pearson(p, w, guardFlat: false)), "flat");

    [Fact] public void A_larger_white_word_over_the_shape_passes_04_2() => AssertPasses(AttackExercise.Check(() => new TextPlacement(32, 36, 16, 1f)));
    [Fact] public void The_baseline_itself_fails_04_2() => AssertFails(AttackExercise.Check(() => TypographicAttack.ToyBaseline), "the baseline turns");
    [Fact] public void Text_too_large_for_the_budget_fails_04_2() => AssertFails(AttackExercise.Check(() => new TextPlacement(32, 44, 30, 1f)), "budget");
    [Fact] public void Text_written_off_the_picture_fails_04_2() => AssertFails(AttackExercise.Check(() => new TextPlacement(200, 200, 16, 1f)), "the baseline turns");

    static void AssertPasses(CheckResult r) => Assert.True(r.Passed, r.ToString());

    static void AssertFails(CheckResult r, string messagePart)
    {
        Assert.False(r.Passed, "a wrong answer passed");
        Assert.Contains(messagePart, r.ToString());
    }
}
