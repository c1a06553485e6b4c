using Interp.Statistics;

namespace Interp.Circuits;

/// <summary>
/// One agreement measure (e.g. cosine similarity of the pooled features) of the ablated and of the replaced model with the
/// original, per image: the original model scores 1 on every image by definition.
/// </summary>
/// <param name="Name">What is measured, e.g. "feature cosine" or "top-5 agreement".</param>
/// <param name="Ablated">The ablated model's score on each image.</param>
/// <param name="Replaced">The model with the replacement units, on each image.</param>
/// <param name="AblatedMean">Mean of <paramref name="Ablated"/> with its interval.</param>
/// <param name="ReplacedMean">Mean of <paramref name="Replaced"/> with its interval.</param>
/// <param name="Recovered">The fraction of the ablation's damage the replacement undoes, (replaced − ablated) / (1 − ablated)
/// on the means, with its interval from the same resamples: 1 restores the original, 0 is no better than the ablation,
/// negative is worse. NaN when the ablation did no damage.</param>
public sealed record RecoveryMeasure(string Name, IReadOnlyList<double> Ablated, IReadOnlyList<double> Replaced,
    Estimate AblatedMean, Estimate ReplacedMean, Estimate Recovered);

/// <summary>Original → ablated → replaced, for every measure, on one image set.</summary>
/// <param name="Replacement">The replacement's name.</param>
/// <param name="Images">Images measured.</param>
/// <param name="Resamples">Bootstrap resamples behind the intervals.</param>
/// <param name="Measures">One entry per agreement measure.</param>
public sealed record RecoveryReport(string Replacement, int Images, int Resamples, IReadOnlyList<RecoveryMeasure> Measures)
{
    /// <summary>The measure with the given name; an unknown name lists the measures.</summary>
    public RecoveryMeasure this[string name] => Measures.FirstOrDefault(m => m.Name == name)
        ?? throw new KeyNotFoundException($"No measure '{name}'; this report has {string.Join(", ", Measures.Select(m => $"'{m.Name}'"))}.");

    /// <summary>One row per measure, for a table.</summary>
    public IEnumerable<RecoveryRow> Rows() => Measures.Select(m => new RecoveryRow(Replacement, m.Name, 1.0, m.AblatedMean.ToString(), m.ReplacedMean.ToString(),
        double.IsNaN(m.Recovered.Value) ? "n/a (no damage)" : m.Recovered.ToString()));
}

/// <summary>A recovery measure as one table row (estimates as "mean [low, high]").</summary>
public sealed record RecoveryRow(string Replacement, string Measure, double Original, string Ablated, string Replaced, string Recovered);
