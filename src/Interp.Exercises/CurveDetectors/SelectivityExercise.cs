using Interp.Stimuli;
using Interp.Units;

namespace Interp.Exercises.CurveDetectors;

/// <summary>
/// Exercise 02.2 (★★☆): circular selectivity — for responses rᵢ at angles θᵢ (degrees), with negative responses counted
/// as 0: |Σ rᵢ·(cos θᵢ, sin θᵢ)| / Σ rᵢ. 1 when only one direction responds, 0 when all respond equally.
/// </summary>
public static class SelectivityExercise
{
    /// <summary>The exercise's id and title.</summary>
    public const string Title = "02.2 Orientation selectivity";

    /// <summary>The learner's function: (angles in degrees, responses) → selectivity in [0, 1].</summary>
    public delegate double Answer(double[] degrees, double[] responses);

    /// <summary>Compares with <see cref="TuningCurve{TParameter}.Circular"/> on tuning curves of different shapes.</summary>
    public static CheckResult Check(Answer answer)
    {
        const string hint = "Clamp each response at 0, convert degrees to radians (× π/180), add up r·cos θ and r·sin θ, " +
                            "and divide the length of that sum by the sum of the clamped responses.";
        var rng = new System.Random(2);
        var cases = new List<(string What, double[] Degrees, double[] Responses)>
        {
            ("a curve peaked at 90°", [.. Enumerable.Range(0, 12).Select(i => i * 30.0)], [.. Enumerable.Range(0, 12).Select(i => Math.Exp(-Math.Pow((i * 30 - 90) / 40.0, 2)))]),
            ("a flat curve", [.. Enumerable.Range(0, 8).Select(i => i * 45.0)], [.. Enumerable.Repeat(2.0, 8)]),
            ("a curve with negative responses", [.. Enumerable.Range(0, 24).Select(i => i * 15.0)], [.. Enumerable.Range(0, 24).Select(_ => rng.NextDouble() * 2 - 0.6)]),
        };
        foreach (var (what, degrees, responses) in cases)
        {
            var curve = new TuningCurve<double>(Unit.Parse("x:0"), [.. degrees.Zip(responses, (d, r) => new TuningPoint<double>(d, r))]);
            double expected = curve.Circular(d => d).Selectivity;
            if (CheckResult.Try(Title, hint, () => answer(degrees, responses), out var got) is { } threw) return threw;
            if (!(Math.Abs(got - expected) <= 1e-6))
                return new CheckResult(Title, false, $"For {what} the selectivity should be {expected:F4}; yours is {got:F4}.", hint);
        }
        return new CheckResult(Title, true, $"Your selectivity matches the library's on {cases.Count} tuning curves, negative responses included.");
    }
}
