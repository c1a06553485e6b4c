namespace Interp.Exercises.TrainingDynamics;

/// <summary>
/// Exercise 07.3 (★★☆): is a change a phase transition? By notebook 07's definition: the curve's 10 %→90 % part of its change
/// (first checkpoint to last; each crossing the first, interpolated as in 07.1) takes at most a given share of the run (the last
/// checkpoint's step). A curve that does not change is no transition.
/// </summary>
public static class PhaseTransitionExercise
{
    /// <summary>The exercise's id and title.</summary>
    public const string Title = "07.3 Abrupt or gradual?";

    /// <summary>The learner's function: (checkpoint steps, values, share of the run) → whether the change is abrupt.</summary>
    public delegate bool Answer(IReadOnlyList<int> steps, IReadOnlyList<double> curve, double share);

    /// <summary>Decides on step, ramp, narrow and broad sigmoid, falling and flat curves, against the definition.</summary>
    public static CheckResult Check(Answer answer)
    {
        const string hint = "Reuse 07.1 with 10 % and 90 % instead of 50 %: t10 and t90 are the first steps reaching first + 0.1 · change and first + " +
                            "0.9 · change. The change is abrupt when t90 − t10 ≤ share · (last step). No change (last = first) is not abrupt.";
        int[] steps = [0, 1, 2, 3, 5, 9, 16, 29, 50, .. Enumerable.Range(2, 17).Select(i => i * 50)];
        double[] Curve(Func<double, double> f) => [.. steps.Select(s => f(s))];
        var cases = new (string What, double[] Curve, double Share, bool Abrupt)[]
        {
            ("a jump between steps 250 and 300", Curve(s => s <= 250 ? 0.1 : 0.9), 0.1, true),
            ("a ramp from step 100 to 700", Curve(s => 0.1 + 0.8 * Math.Clamp((s - 100) / 600.0, 0, 1)), 0.1, false),
            ("the same ramp judged with a share of 60 %", Curve(s => 0.1 + 0.8 * Math.Clamp((s - 100) / 600.0, 0, 1)), 0.6, true),
            ("a narrow sigmoid around step 425", Curve(s => 1 / (1 + Math.Exp(-(s - 425) / 8.0))), 0.1, true),
            ("a broad sigmoid around step 425", Curve(s => 1 / (1 + Math.Exp(-(s - 425) / 60.0))), 0.1, false),
            ("a loss that drops within the first 30 steps", Curve(s => 2 + 3.5 * Math.Exp(-s / 8.0)), 0.1, true),
            ("a loss that falls slowly all run", Curve(s => 5.5 - 3 * s / 900.0), 0.1, false),
            ("a loss that drops sharply around step 425", Curve(s => 5.5 - 3 / (1 + Math.Exp(-(s - 425) / 8.0))), 0.1, true),
            ("a sigmoid of scale 30 around step 425 (its middle half is quick, its 10 %→90 % is not)", Curve(s => 1 / (1 + Math.Exp(-(s - 425) / 30.0))), 0.1, false),
            ("a curve that ends where it started", Curve(s => Math.Abs(s - 450) < 200 ? 0.6 : 0.3), 0.1, false),
        };
        foreach (var (what, curve, share, abrupt) in cases)
        {
            if (CheckResult.Try(Title, hint, () => answer(steps, curve, share), out var got) is { } threw) return threw;
            if (got != abrupt)
                return new CheckResult(Title, false, $"For {what} (share {share:P0}) you said {(got ? "abrupt" : "not abrupt")}; by the definition it is " +
                                                     $"{(abrupt ? "abrupt" : "not abrupt")}.", hint);
        }
        return new CheckResult(Title, true, $"Your decisions follow the definition on {cases.Length} curves, falling and unchanging ones included.");
    }
}
