using static TorchSharp.torch;

namespace Interp.Exercises.FeatureVisualization;

/// <summary>Runs a learner's function on one case and compares it with the reference.</summary>
internal static class ExerciseRunner
{
    /// <summary>
    /// Null when <paramref name="learner"/> returns a tensor close to <paramref name="expected"/>; otherwise the
    /// failed check (an exception thrown by the learner's code becomes a failed check, not a crash).
    /// </summary>
    public static CheckResult? Compare(string title, string hint, Tensor expected, Func<Tensor?> learner, string what, double relativeTolerance)
    {
        if (CheckResult.Try(title, hint, learner, out var got) is { } threw) return threw;
        var result = Check.Close(title, got, expected, what, relativeTolerance, hint);
        return result.Passed ? null : result;
    }
}
