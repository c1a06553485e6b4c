using Interp.Circuits;

namespace Interp.Exercises.CurveCircuits;

/// <summary>
/// Exercise 03.3 (★☆☆): read an activation-patching report — the positions whose patch closes at least a given fraction of the
/// clean-minus-corrupted gap, the most important first.
/// </summary>
public static class PatchingExercise
{
    /// <summary>The exercise's id and title.</summary>
    public const string Title = "03.3 Where patching matters";

    /// <summary>The learner's function: (report, threshold) → (row, column) of the patches recovering ≥ threshold, best first.</summary>
    public delegate IReadOnlyList<(int Y, int X)> Answer(PatchingReport report, double threshold);

    static Patch At(int y, int x, double metric) => new("layer", null, y, x, metric);

    /// <summary>Checks the learner's answer on reports where the metric rises, where it falls, and where there is no gap.</summary>
    public static CheckResult Check(Answer answer)
    {
        const string hint = "The fraction a patch recovers is (patched − corrupted) / (clean − corrupted): it is not the raw metric, and the gap can be " +
                            "negative (the corrupted input may score higher). With no gap nothing is recovered. Sort by the fraction, largest first.";
        var cases = new (string What, PatchingReport Report, double Threshold)[]
        {
            ("a metric that rises from 1 (corrupted) to 5 (clean)", new PatchingReport(5, 1, [At(0, 0, 1.5), At(1, 0, 3.2), At(0, 1, 4.6), At(1, 1, 2.9)]), 0.5),
            ("a metric that falls from 4 (corrupted) to −2 (clean)", new PatchingReport(-2, 4, [At(2, 2, 3.9), At(2, 3, -1.0), At(3, 2, 0.5), At(3, 3, 4.5)]), 0.4),
            ("a report with no gap (clean = corrupted = 2)", new PatchingReport(2, 2, [At(0, 0, 2), At(0, 1, 3)]), 0.1),
        };
        foreach (var (what, report, threshold) in cases)
        {
            var expected = report.Patches.Select(p => (Patch: p, Fraction: report.Recovered(p)))
                .Where(p => p.Fraction >= threshold).OrderByDescending(p => p.Fraction).Select(p => (p.Patch.Y!.Value, p.Patch.X!.Value)).ToList();
            if (CheckResult.Try(Title, hint, () => answer(report, threshold), out var got) is { } threw) return threw;
            if (got is null || !got.SequenceEqual(expected))
                return new CheckResult(Title, false, $"For {what} at threshold {threshold}, the answer is [{Show(expected)}]; you gave [{(got is null ? "null" : Show(got))}].",
                    hint);
        }
        return new CheckResult(Title, true, $"Your positions are right on {cases.Length} reports, rising, falling and without a gap.");
    }

    static string Show(IEnumerable<(int Y, int X)> positions) => string.Join(", ", positions.Select(p => $"({p.Y}, {p.X})"));
}
