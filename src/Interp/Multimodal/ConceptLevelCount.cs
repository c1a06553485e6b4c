namespace Interp.Multimodal;

/// <summary>
/// The units whose strongest concept (relative to the other units) is the same on pictures and on words, with the count under
/// permuted word labels (see <see cref="MultimodalityReport.ConceptLevel"/>).
/// </summary>
/// <param name="Units">The units counted, in index order.</param>
/// <param name="Concepts">Each counted unit's shared strongest concept, in the order of <paramref name="Units"/>.</param>
/// <param name="Z">The z-score both responses had to reach.</param>
/// <param name="ShuffledCounts">The count with the words' concepts permuted, once per permutation.</param>
public sealed record ConceptLevelCount(IReadOnlyList<int> Units, IReadOnlyList<string> Concepts, double Z, IReadOnlyList<int> ShuffledCounts)
{
    /// <summary>The mean count under permuted labels: what chance gives.</summary>
    public double ChanceCount => ShuffledCounts.Average();

    /// <summary>The share of permutations with at least as many units as the real labels (with the +1 correction).</summary>
    public double PValue => (ShuffledCounts.Count(c => c >= Units.Count) + 1.0) / (ShuffledCounts.Count + 1.0);
}
