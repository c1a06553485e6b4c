namespace Interp.Exercises.TrainingDynamics;

/// <summary>
/// Exercise 07.1 (★☆☆): a change point — the first step at which a curve measured at checkpoints reaches half of its change from
/// the first checkpoint to the last, rising or falling, interpolated linearly between the two checkpoints around it.
/// </summary>
public static class ChangePointExercise
{
    /// <summary>The exercise's id and title.</summary>
    public const string Title = "07.1 The half-way step of a training curve";

    /// <summary>The learner's function: (checkpoint steps, values) → the half-way step.</summary>
    public delegate double Answer(IReadOnlyList<int> steps, IReadOnlyList<double> curve);

    /// <summary>Compares with a reference on hand-made curves: rising, falling, crossing back, reaching it exactly at a checkpoint.</summary>
    public static CheckResult Check(Answer answer)
    {
        const string hint = "Target = first + 0.5 · (last − first). Walk the checkpoints from the start; at the first one that is at or past the target " +
                            "(above it for a rising curve, below it for a falling one), interpolate between it and the one before: " +
                            "step = s₀ + (s₁ − s₀) · (target − v₀) / (v₁ − v₀).";
        var cases = new (string What, int[] Steps, double[] Curve)[]
        {
            ("a rising curve", [0, 10, 20, 40, 80], [0.1, 0.15, 0.3, 0.8, 0.9]),
            ("a falling curve (a loss)", [0, 5, 10, 50, 100], [5.5, 5.4, 4.0, 2.5, 2.3]),
            ("a curve that overshoots, falls back below half and rises again", [0, 1, 2, 4, 8, 16], [0.0, 0.2, 0.9, 0.1, 0.6, 0.5]),
            ("a curve that reaches the target exactly at a checkpoint", [0, 50, 100, 150], [0.2, 0.3, 0.5, 0.8]),
            ("unevenly spaced checkpoints", [0, 1, 3, 9, 27, 81, 243], [0.08, 0.08, 0.1, 0.2, 0.45, 0.9, 1.0]),
        };
        foreach (var (what, steps, curve) in cases)
        {
            double expected = Reference(steps, curve);
            if (CheckResult.Try(Title, hint, () => answer(steps, curve), out var got) is { } threw) return threw;
            if (double.IsNaN(got) || Math.Abs(got - expected) > 1e-9 * Math.Max(1, Math.Abs(expected)))
                return new CheckResult(Title, false, $"For {what} (steps [{string.Join(", ", steps)}], values [{string.Join(", ", curve)}]) your step is {got:G6}; " +
                                                     $"it should be {expected:G6}.", hint);
        }
        return new CheckResult(Title, true, $"Your half-way steps match on {cases.Length} curves, falling and overshooting ones included.");
    }

    /// <summary>Segment by segment: the first segment whose values straddle (or touch) the target, solved for the step.</summary>
    static double Reference(int[] steps, double[] curve)
    {
        double target = (curve[0] + curve[^1]) / 2;
        for (int i = 1; i < curve.Length; i++)
        {
            double a = curve[i - 1] - target, b = curve[i] - target;
            bool reached = curve[^1] > curve[0] ? b >= 0 : b <= 0;
            if (reached) return steps[i - 1] + (steps[i] - steps[i - 1]) * (a / (a - b));
        }
        throw new InvalidOperationException("The last checkpoint always reaches half of the change.");
    }
}
