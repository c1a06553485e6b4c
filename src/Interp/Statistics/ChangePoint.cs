namespace Interp.Statistics;

/// <summary>How a measured curve changes over training, by <see cref="ChangePoint"/>'s definition.</summary>
public enum TransitionKind
{
    /// <summary>The change from the first to the last checkpoint is not distinguishable from zero (its interval includes 0).</summary>
    None,

    /// <summary>A phase transition: the 10 %→90 % part of the change takes at most the stated share of the run (upper bound of its interval).</summary>
    Abrupt,

    /// <summary>The 10 %→90 % part of the change takes longer than the stated share of the run (lower bound of its interval).</summary>
    Gradual,

    /// <summary>The interval of the transition's width straddles the threshold: the checkpoints cannot tell.</summary>
    Undecided,
}

/// <summary>
/// When a curve measured at checkpoints changes (<see cref="ChangePoint.Estimate"/>): the change from the first to the last
/// checkpoint, the step where a given share of it is first reached, and the width of its 10 %→90 % part, each with a bootstrap
/// interval over the measured items (e.g. held-out pictures).
/// </summary>
/// <param name="Change">Last checkpoint's mean minus the first's.</param>
/// <param name="Step">The step where the curve first reaches <paramref name="Fraction"/> of the change (linear between checkpoints); NaN without a change.</param>
/// <param name="Width">Steps between reaching 10 % and 90 % of the change; NaN without a change.</param>
/// <param name="Fraction">The share of the change <paramref name="Step"/> marks (0.5: the half-way point).</param>
/// <param name="AbruptShare">The threshold on <paramref name="Width"/> as a share of the run (last checkpoint's step).</param>
/// <param name="Kind">None, abrupt, gradual or undecided, by the intervals.</param>
/// <param name="Resamples">Bootstrap resamples behind the intervals.</param>
public sealed record ChangePointEstimate(Estimate Change, Estimate Step, Estimate Width, double Fraction, double AbruptShare, TransitionKind Kind, int Resamples);

/// <summary>
/// Change points of curves measured over training. A curve is a mean over items (pictures) at each checkpoint; its change is the
/// last checkpoint's value minus the first's, and the change point the first step where the curve reaches a share of that change
/// (rising or falling), interpolated linearly between the two checkpoints that bracket it. A change is a phase transition
/// ("abrupt") when its 10 %→90 % part takes at most <c>abruptShare</c> of the run (default 10 %). Intervals come from resampling
/// the items with replacement, the same items at every checkpoint.
/// </summary>
public static class ChangePoint
{
    /// <summary>
    /// The first step at which <paramref name="curve"/> (one value per step of <paramref name="steps"/>) reaches its first value plus
    /// <paramref name="fraction"/> of the change to its last value, interpolated between checkpoints; NaN when first and last are equal.
    /// </summary>
    public static double Crossing(IReadOnlyList<int> steps, IReadOnlyList<double> curve, double fraction)
    {
        Check(steps, curve.Count, fraction);
        double start = curve[0], change = curve[^1] - start;
        if (change == 0 || double.IsNaN(change)) return double.NaN;
        double target = start + fraction * change;
        // Reaching is measured along the change's direction, so a falling curve (a loss) is handled as a rising one.
        double Along(int i) => (curve[i] - target) * Math.Sign(change);
        for (int i = 1; i < curve.Count; i++)
        {
            if (Along(i) < 0) continue;
            double below = -Along(i - 1), above = Along(i);
            return steps[i - 1] + (steps[i] - steps[i - 1]) * below / (below + above);
        }
        throw new System.Diagnostics.UnreachableException("The last checkpoint always reaches a share below 1 of the change.");
    }

    /// <summary>
    /// The change point of the curve whose per-item values are <paramref name="values"/> [checkpoint, item] at <paramref name="steps"/>,
    /// with <paramref name="confidence"/> intervals from <paramref name="resamples"/> bootstrap resamples of the items (seeded).
    /// </summary>
    public static ChangePointEstimate Estimate(IReadOnlyList<int> steps, double[,] values, double fraction = 0.5, double abruptShare = 0.1,
        int resamples = 1000, int seed = 0, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(values);
        Check(steps, values.GetLength(0), fraction);
        int items = values.GetLength(1);
        if (items < 1) throw new ArgumentException("Give at least one item (e.g. a held-out picture) per checkpoint.", nameof(values));
        if (!(abruptShare is > 0 and <= 1))
            throw new ArgumentOutOfRangeException(nameof(abruptShare), abruptShare, "The abrupt threshold is a share of the run in (0, 1], e.g. 0.1.");
        if (resamples < 1) throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "Run at least one resample (1000 is usual).");

        var (change, step, width) = Measure(steps, values, Enumerable.Range(0, items).ToArray(), fraction);
        var random = new Random(seed);
        var changes = new double[resamples];
        var stepSamples = new List<double>(resamples);
        var widthSamples = new List<double>(resamples);
        var pick = new int[items];
        for (int r = 0; r < resamples; r++)
        {
            for (int j = 0; j < items; j++) pick[j] = random.Next(items);
            var (c, s, w) = Measure(steps, values, pick, fraction);
            changes[r] = c;
            if (!double.IsNaN(s)) stepSamples.Add(s);
            if (!double.IsNaN(w)) widthSamples.Add(w);
        }
        var changeEstimate = Bootstrap.Interval(change, changes, confidence);
        bool changed = changeEstimate.Low > 0 || changeEstimate.High < 0;
        var stepEstimate = changed ? Bootstrap.Interval(step, stepSamples, confidence) : new Statistics.Estimate(double.NaN, double.NaN, double.NaN);
        var widthEstimate = changed ? Bootstrap.Interval(width, widthSamples, confidence) : new Statistics.Estimate(double.NaN, double.NaN, double.NaN);
        double threshold = abruptShare * steps[^1];
        var kind = !changed ? TransitionKind.None
            : widthEstimate.High <= threshold ? TransitionKind.Abrupt
            : widthEstimate.Low > threshold ? TransitionKind.Gradual
            : TransitionKind.Undecided;
        return new ChangePointEstimate(changeEstimate, stepEstimate, widthEstimate, fraction, abruptShare, kind, resamples);
    }

    static (double Change, double Step, double Width) Measure(IReadOnlyList<int> steps, double[,] values, int[] items, double fraction)
    {
        var curve = new double[values.GetLength(0)];
        for (int c = 0; c < curve.Length; c++)
        {
            double sum = 0;
            foreach (var i in items) sum += values[c, i];
            curve[c] = sum / items.Length;
        }
        return (curve[^1] - curve[0], Crossing(steps, curve, fraction), Crossing(steps, curve, 0.9) - Crossing(steps, curve, 0.1));
    }

    static void Check(IReadOnlyList<int> steps, int checkpoints, double fraction)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count < 2) throw new ArgumentException($"A change needs at least two checkpoints; got {steps.Count}.", nameof(steps));
        if (checkpoints != steps.Count)
            throw new ArgumentException($"Give one value per checkpoint: {steps.Count} steps but {checkpoints} values.", nameof(steps));
        for (int i = 1; i < steps.Count; i++)
            if (steps[i] <= steps[i - 1])
                throw new ArgumentException($"Checkpoint steps must increase; step {steps[i]} follows {steps[i - 1]}.", nameof(steps));
        if (!(fraction is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The share of the change is in (0, 1), e.g. 0.5.");
    }
}
