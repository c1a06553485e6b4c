namespace Interp.Exercises.FeatureVis;

/// <summary>Runs a learner's function and turns an exception into a failed check.</summary>
internal static class ExerciseRunner
{
    public static CheckResult? Try(string title, Action action, string hint)
    {
        try { action(); return null; }
        catch (Exception e) { return new CheckResult(title, false, $"Your function threw {e.GetType().Name}: {e.Message}", hint); }
    }
}
