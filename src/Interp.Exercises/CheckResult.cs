namespace Interp.Exercises;

/// <summary>
/// The verdict of an exercise check, worded for the learner: what was expected and what they got,
/// in the exercise's own terms, never the solution.
/// </summary>
/// <param name="Exercise">The exercise's id and title, e.g. "00.1 Strongest channel".</param>
/// <param name="Passed">Whether the answer is right.</param>
/// <param name="Message">What is right or wrong about the answer.</param>
/// <param name="Hint">A nudge shown only when the check fails.</param>
public sealed record CheckResult(string Exercise, bool Passed, string Message, string? Hint = null)
{
    /// <summary>
    /// Runs the learner's code: null, with its <paramref name="result"/>, when it returns; otherwise the failed check naming the
    /// exception it threw (a bug in the learner's code is a verdict, not a crash).
    /// </summary>
    public static CheckResult? Try<T>(string exercise, string? hint, Func<T> learner, out T result)
    {
        try
        {
            result = learner();
            return null;
        }
        catch (Exception e)
        {
            result = default!;
            return new CheckResult(exercise, false, $"Your function threw {e.GetType().Name}: {e.Message}", hint);
        }
    }

    /// <summary>A one-line (two with a hint) plain-text form.</summary>
    public override string ToString() =>
        Passed ? $"✅ {Exercise}: {Message}" : $"❌ {Exercise}: {Message}" + (Hint is null ? "" : $"\n   Hint: {Hint}");
}
