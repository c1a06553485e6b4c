namespace Interp.Curriculum;

/// <summary>An exercise found in a master notebook.</summary>
/// <param name="Cell">The index of its code cell (stub and check).</param>
/// <param name="CheckLine">The cell's last line, the call to the exercise's check, e.g. <c>SelectivityExercise.Check(MySelectivity)</c>.</param>
/// <param name="Usings">The cell's <c>using</c> lines.</param>
/// <param name="SolutionCell">The index of the markdown cell with its folded hint and solution.</param>
/// <param name="Solution">The code of the folded solution.</param>
public sealed record Exercise(int Cell, string CheckLine, IReadOnlyList<string> Usings, int SolutionCell, string Solution)
{
    /// <summary>The exercise cell of the solution version: the using lines, the solution, then the same check.</summary>
    public string SolvedCell => string.Join("\n", [.. Usings, .. Usings.Count > 0 ? new[] { "" } : [], Solution.TrimEnd('\n'), "", CheckLine]);
}
