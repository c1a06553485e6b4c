using Interp.Stimuli;

namespace Interp.Exercises.CurveDetectors;

/// <summary>
/// Exercise 02.3 (★★☆): find the detector for an orientation — among the candidates that pass the criteria, the channel
/// whose best curve's orientation is nearest to the given angle on the circle (350° is 20° from 10°); −1 when none passes.
/// </summary>
public static class DetectorExercise
{
    /// <summary>The exercise's id and title.</summary>
    public const string Title = "02.3 The detector for an orientation";

    /// <summary>The learner's function: (candidates, criteria, orientation in degrees) → a channel or −1.</summary>
    public delegate int Answer(IReadOnlyList<CurveCandidate> candidates, CurveCriteria criteria, double degrees);

    static CurveCandidate Candidate(int channel, double orientation, bool passes) =>
        new(channel, BestCurve: 10, new Arc(orientation, 0.05), BestLine: passes ? 2 : 9, Opposite: 0, Ring: 1, Natural: 10, OrientationSelectivity: 0.8);

    /// <summary>The reference answer.</summary>
    static int Reference(IReadOnlyList<CurveCandidate> candidates, CurveCriteria criteria, double degrees)
    {
        static double Gap(double a, double b) { double d = Math.Abs(((a - b) % 360 + 360) % 360); return Math.Min(d, 360 - d); }
        var passing = candidates.Where(c => c.Passes(criteria)).ToList();
        return passing.Count == 0 ? -1 : passing.MinBy(c => Gap(c.BestCurveStimulus.Orientation, degrees))!.Channel;
    }

    /// <summary>Checks the learner's choice on candidate lists where wrapping around 360° and failing candidates matter.</summary>
    public static CheckResult Check(Answer answer)
    {
        const string hint = "Keep the candidates with c.Passes(criteria); the angular gap between a and b is min(d, 360 − d) with d = |a − b| mod 360; " +
                            "return the Channel of the one with the smallest gap, or −1 when the list of passing candidates is empty.";
        var criteria = new CurveCriteria();
        var sets = new List<(string What, CurveCandidate[] Candidates, double Degrees)>
        {
            ("10° with detectors at 350° and 60°", [Candidate(4, 60, true), Candidate(7, 350, true)], 10),
            ("90° where the nearest channel fails the criteria", [Candidate(1, 90, false), Candidate(2, 120, true), Candidate(3, 300, true)], 90),
            ("200° with no passing channel", [Candidate(5, 200, false)], 200),
        };
        foreach (var (what, candidates, degrees) in sets)
        {
            int expected = Reference(candidates, criteria, degrees);
            if (CheckResult.Try(Title, hint, () => answer(candidates, criteria, degrees), out var got) is { } threw) return threw;
            if (got != expected)
                return new CheckResult(Title, false, $"For {what} the detector is {(expected < 0 ? "none (−1)" : $"channel {expected}")}; you chose {got}.", hint);
        }
        return new CheckResult(Title, true, $"Your choice is right on {sets.Count} cases, across 0°/360° and with failing candidates.");
    }
}
