namespace Interp.Curriculum;

/// <summary>The cell tags (<c>metadata.tags</c>) the course tooling reads.</summary>
public static class CellTags
{
    /// <summary>An exercise: a stub and, on its last line, the call to the exercise's check.</summary>
    public const string Exercise = "exercise";

    /// <summary>The markdown after an exercise with its folded hint and solution.</summary>
    public const string Solution = "solution";

    /// <summary>A cell that takes long and that no later cell needs; <c>--skip-slow</c> skips it, with a message.</summary>
    public const string Slow = "slow";

    /// <summary>A cell that needs a download (weights that are not shipped). Offline it must say so (a line starting "Skipped:").</summary>
    public const string NeedsDownload = "needs-download";

    /// <summary>How a cell says it did not do its work (a missing download, a slow cell left out): a line starting with this.</summary>
    public const string SkippedPrefix = "Skipped:";

    /// <summary>Every tag above.</summary>
    public static readonly IReadOnlyList<string> All = [Exercise, Solution, Slow, NeedsDownload];
}
