namespace Interp.Runner;

/// <summary>The outcome of executing one notebook.</summary>
/// <param name="Name">File name without extension.</param>
/// <param name="Title">The first heading of the notebook.</param>
/// <param name="Cells">One entry per executed code cell (execution stops at the first failure).</param>
/// <param name="CodeCells">How many code cells the notebook has.</param>
/// <param name="Seconds">Total wall-clock time.</param>
public sealed record NotebookResult(string Name, string Title, IReadOnlyList<CellResult> Cells, int CodeCells, double Seconds)
{
    /// <summary>Every code cell ran and none failed.</summary>
    public bool Succeeded => Cells.Count == CodeCells && Cells.All(c => c.Succeeded);
    /// <summary>Outputs reported as errors (including standard error) across all cells.</summary>
    public int ErrorOutputs => Cells.Sum(c => c.ErrorOutputs);
    /// <summary>Cells whose work was skipped (slow cells under <c>--skip-slow</c>, downloads not present), with the reason.</summary>
    public IReadOnlyList<CellResult> SkippedCells => Cells.Where(c => c.Skipped is not null).ToList();
}
