using System.Text.RegularExpressions;

namespace Interp.Curriculum;

/// <summary>
/// The versions generated from each committed (master) notebook. The master is written as learners read it: each exercise
/// cell (tagged <c>exercise</c>) holds a stub and ends with its check, and the markdown after it (tagged <c>solution</c>)
/// folds a hint and the solution. The <b>learner</b> version is the master without outputs; the <b>solution</b> version,
/// which the instructor site shows executed, has each stub replaced by the folded solution, so every check runs on it.
/// Nothing else differs, so the versions cannot drift apart.
/// </summary>
public static partial class NotebookVersions
{
    [GeneratedRegex(@"^\w+Exercise\.Check\(")]
    private static partial Regex CheckCall();

    [GeneratedRegex(@"<details><summary>Solution</summary>\s*```csharp\n(?<code>.*?)```\s*(?<after>.*?)</details>\n?", RegexOptions.Singleline)]
    private static partial Regex SolutionBlock();

    /// <summary>The sentence that takes the folded solution's place in the solution version.</summary>
    public const string SolutionInPlace = "*Solution version: the solution is in place in the exercise cell above, and its check ran on it.*\n";

    static string LastLine(string source) => source.TrimEnd().Split('\n')[^1].Trim();

    /// <summary>
    /// What is wrong with a master's tags: an exercise check in an untagged cell, an <c>exercise</c> cell without a check,
    /// an exercise without a <c>solution</c> cell holding a folded solution after it, or an unknown tag. Empty when right.
    /// </summary>
    public static IReadOnlyList<string> TagProblems(NotebookDocument master, string name)
    {
        var problems = new List<string>();
        var cells = master.Cells;
        for (int i = 0; i < cells.Count; i++)
        {
            var cell = cells[i];
            foreach (var tag in cell.Tags.Where(t => !CellTags.All.Contains(t)))
                problems.Add($"{name} cell {i}: unknown tag '{tag}'; valid: {string.Join(", ", CellTags.All)}.");
            bool checks = cell.IsCode && CheckCall().IsMatch(LastLine(cell.Source));
            if (checks && !cell.HasTag(CellTags.Exercise)) problems.Add($"{name} cell {i}: ends with an exercise check but is not tagged '{CellTags.Exercise}'.");
            if (cell.HasTag(CellTags.Exercise) && !checks) problems.Add($"{name} cell {i}: tagged '{CellTags.Exercise}' but its last line is not an exercise check " +
                "(XExercise.Check(…)).");
            if (cell.HasTag(CellTags.Solution) && !(cell.IsMarkdown && SolutionBlock().IsMatch(cell.Source)))
                problems.Add($"{name} cell {i}: tagged '{CellTags.Solution}' but is not markdown with a <details><summary>Solution</summary> ```csharp block.");
            if (checks && NextSolutionCell(cells, i) is null)
                problems.Add($"{name} cell {i}: an exercise with no '{CellTags.Solution}' cell after it (before the next exercise).");
        }
        return problems;
    }

    static int? NextSolutionCell(IReadOnlyList<NotebookCell> cells, int exercise)
    {
        for (int k = exercise + 1; k < cells.Count; k++)
        {
            if (cells[k].HasTag(CellTags.Exercise)) return null;
            if (cells[k].HasTag(CellTags.Solution) && SolutionBlock().IsMatch(cells[k].Source)) return k;
        }
        return null;
    }

    /// <summary>The exercises of a master notebook; throws with every tag problem when its tags are wrong.</summary>
    public static IReadOnlyList<Exercise> Exercises(NotebookDocument master, string name)
    {
        var problems = TagProblems(master, name);
        if (problems.Count > 0) throw new InvalidDataException(string.Join("\n", problems));
        var cells = master.Cells;
        var found = new List<Exercise>();
        for (int i = 0; i < cells.Count; i++)
        {
            if (!cells[i].HasTag(CellTags.Exercise)) continue;
            int s = NextSolutionCell(cells, i)!.Value;
            var lines = cells[i].Source.TrimEnd().Split('\n');
            found.Add(new Exercise(i, LastLine(cells[i].Source), lines.Where(l => l.StartsWith("using ", StringComparison.Ordinal)).ToList(), s,
                SolutionBlock().Match(cells[s].Source).Groups["code"].Value));
        }
        return found;
    }

    /// <summary>The learner version: the master without outputs.</summary>
    public static NotebookDocument Learner(NotebookDocument master)
    {
        var learner = master.Clone();
        foreach (var cell in learner.Cells) cell.ClearOutputs();
        return learner;
    }

    /// <summary>The solution version: the learner version with every exercise's solution in place of its stub.</summary>
    public static NotebookDocument Solution(NotebookDocument master, string name)
    {
        var exercises = Exercises(master, name);
        var solution = Learner(master);
        var cells = solution.Cells;
        foreach (var e in exercises)
        {
            cells[e.Cell].Source = e.SolvedCell;
            cells[e.SolutionCell].Source = SolutionBlock().Replace(cells[e.SolutionCell].Source, m => SolutionInPlace + (m.Groups["after"].Value.Trim() is { Length: > 0 } after
                ? "\n" + after + "\n" : ""));
        }
        return solution;
    }
}
