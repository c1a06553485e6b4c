namespace Interp.Statistics;

/// <summary>A value with a bootstrap confidence interval (percentiles of the resampled values), e.g. a mean over images.</summary>
public sealed record Estimate(double Value, double Low, double High)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Value:0.####} [{Low:0.####}, {High:0.####}]";
}
