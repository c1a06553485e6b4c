using Interp.Multimodal;

namespace Interp.Exercises.MultimodalNeurons;

/// <summary>
/// Exercise 04.1 (★☆☆): a unit's multimodality score — the Pearson correlation of its mean responses to each concept's
/// pictures with its mean responses to each concept's written words (0 when either profile is flat).
/// </summary>
public static class ProfileCorrelationExercise
{
    /// <summary>The exercise's id and title.</summary>
    public const string Title = "04.1 A multimodality score";

    /// <summary>The learner's function: (responses to pictures per concept, responses to words per concept) → score.</summary>
    public delegate double Answer(double[] pictures, double[] words);

    /// <summary>Checks the learner's score on profiles that agree, disagree, differ in scale and offset, and are flat.</summary>
    public static CheckResult Check(Answer answer)
    {
        const string hint = "Subtract each profile's mean, then divide the sum of products by the square root of the product of the sums of squares. " +
                            "A profile whose values are all equal has no variation: return 0 rather than dividing by zero.";
        var cases = new (string What, double[] Pictures, double[] Words)[]
        {
            ("the same profile on a larger scale and offset", [1, 2, 3, 4, 5], [12, 14, 16, 18, 20]),
            ("a profile and its reverse", [0, 1, 4, 9], [9, 4, 1, 0]),
            ("two unrelated profiles with positive values", [3, 1, 4, 1, 5, 9], [2, 6, 5, 3, 5, 8]),
            ("a flat word profile", [1, 3, 2], [4, 4, 4]),
        };
        foreach (var (what, p, w) in cases)
        {
            double expected = Multimodality.Correlation(Column(p), Column(w), 0, [.. Enumerable.Range(0, w.Length)]);
            if (CheckResult.Try(Title, hint, () => answer(p, w), out var got) is { } threw) return threw;
            if (!(Math.Abs(got - expected) <= 1e-9))
                return new CheckResult(Title, false, $"For {what} the score is {expected:0.####}; you returned {got:0.####}.", hint);
        }
        return new CheckResult(Title, true, $"Your score is right on {cases.Length} pairs of profiles, flat ones included.");
    }

    static double[,] Column(double[] values)
    {
        var m = new double[values.Length, 1];
        for (int i = 0; i < values.Length; i++) m[i, 0] = values[i];
        return m;
    }
}
