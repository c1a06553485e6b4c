namespace Interp.Runner;

/// <summary>What one code cell produced when it ran.</summary>
/// <param name="Index">1-based index among all cells of the notebook.</param>
/// <param name="Succeeded">False when the cell failed to compile or threw.</param>
/// <param name="Seconds">Wall-clock time.</param>
/// <param name="Error">The error message when it failed.</param>
/// <param name="ErrorOutputs">Outputs written to standard error or reported as errors.</param>
/// <param name="Skipped">Why the cell's work was skipped, shown on its page: a <c>slow</c> cell under <c>--skip-slow</c> (not run), or a
/// <c>needs-download</c> cell that ran and said "Skipped: …" because the download is not on this machine. Null when it did its work.</param>
public sealed record CellResult(int Index, bool Succeeded, double Seconds, string? Error, int ErrorOutputs, string? Skipped = null);
