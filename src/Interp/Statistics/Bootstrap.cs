namespace Interp.Statistics;

/// <summary>
/// Percentile bootstrap intervals, one implementation for every measure that reports one (circuit recovery, typographic attacks).
/// Deterministic for a seed.
/// </summary>
public static class Bootstrap
{
    /// <summary>The mean of <paramref name="values"/> with a percentile interval from resampling them with replacement.</summary>
    public static Estimate Mean(double[] values, int resamples, int seed, double confidence)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length == 0) throw new ArgumentException("There are no values to resample.", nameof(values));
        if (resamples < 1) throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "Run at least one resample (1000 is usual).");
        var random = new Random(seed);
        var means = new double[resamples];
        for (int r = 0; r < resamples; r++)
        {
            double sum = 0;
            for (int j = 0; j < values.Length; j++) sum += values[random.Next(values.Length)];
            means[r] = sum / values.Length;
        }
        return Interval(values.Average(), means, confidence);
    }

    /// <summary>
    /// <paramref name="value"/> with the central <paramref name="confidence"/> interval of its resampled values
    /// <paramref name="samples"/>; the interval is NaN when there are no samples.
    /// </summary>
    public static Estimate Interval(double value, IReadOnlyList<double> samples, double confidence)
    {
        if (!(confidence is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "The confidence level is in (0, 1), e.g. 0.95.");
        if (samples.Count == 0) return new Estimate(value, double.NaN, double.NaN);
        double lo = (1 - confidence) / 2;
        return new Estimate(value, Percentile(samples, lo), Percentile(samples, 1 - lo));
    }

    /// <summary>The <paramref name="q"/>-quantile by linear interpolation between order statistics.</summary>
    public static double Percentile(IReadOnlyList<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        double pos = q * (sorted.Length - 1);
        int below = (int)Math.Floor(pos);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + (pos - below) * (sorted[above] - sorted[below]);
    }
}
