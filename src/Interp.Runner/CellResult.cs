namespace Interp.Runner;

/// <summary>What one code cell produced when it ran.</summary>
/// <param name="Index">1-based index among all cells of the notebook.</param>
/// <param name="Succeeded">False when the cell failed to compile or threw.</param>
/// <param name="Seconds">Wall-clock time.</param>
/// <param name="Error">The error message when it failed.</param>
/// <param name="ErrorOutputs">Outputs written to standard error or reported as errors.</param>
public sealed record CellResult(int Index, bool Succeeded, double Seconds, string? Error, int ErrorOutputs);
