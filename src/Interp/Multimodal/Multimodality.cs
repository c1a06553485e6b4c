using Interp.Hooks;
using static TorchSharp.torch;

namespace Interp.Multimodal;

/// <summary>
/// Which units respond to the same concepts whether they see a picture or the word: per unit, the Pearson correlation of its
/// mean response to each concept's pictures with its mean response to each concept's words, and how many units exceed a
/// threshold — against the same count with the words' concept labels shuffled (a permutation baseline).
/// </summary>
/// <param name="Layer">The probed layer.</param>
/// <param name="Concepts">The concept names, in profile order.</param>
/// <param name="Pictures">[concept, unit]: mean activation on each concept's pictures (spatial mean per image).</param>
/// <param name="Words">[concept, unit]: the same on each concept's written word.</param>
/// <param name="Scores">Per unit: the correlation of its two profiles (0 for a unit flat on either).</param>
/// <param name="Threshold">The score a unit must exceed to count as multimodal.</param>
/// <param name="ShuffledCounts">The count with word labels permuted, once per permutation.</param>
public sealed record MultimodalityReport(string Layer, IReadOnlyList<string> Concepts, double[,] Pictures, double[,] Words, IReadOnlyList<double> Scores,
    double Threshold, IReadOnlyList<int> ShuffledCounts)
{
    /// <summary>Units whose score exceeds <see cref="Threshold"/>, strongest first.</summary>
    public IReadOnlyList<int> MultimodalUnits => [.. Scores.Select((s, u) => (s, u)).Where(p => p.s > Threshold).OrderByDescending(p => p.s).Select(p => p.u)];

    /// <summary>The mean count under shuffled labels: what chance gives.</summary>
    public double ChanceCount => ShuffledCounts.Average();

    /// <summary>The share of permutations with at least as many multimodal units as the real labels (with the +1 correction).</summary>
    public double PValue => (ShuffledCounts.Count(c => c >= MultimodalUnits.Count) + 1.0) / (ShuffledCounts.Count + 1.0);

    /// <summary>
    /// The concept-level count: a unit counts when its strongest concept relative to the other units — each concept's responses
    /// standardized across units (z-scores over the units, per concept) — is the same concept on pictures and on words, with
    /// both z-scores at least <paramref name="z"/>; against the same count with the words' concepts permuted.
    /// </summary>
    public ConceptLevelCount ConceptLevel(double z = 1, int permutations = 1000, int seed = 0)
    {
        if (!double.IsFinite(z)) throw new ArgumentOutOfRangeException(nameof(z), z, "The z threshold is a finite number of standard deviations, e.g. 1.");
        if (permutations < 1) throw new ArgumentOutOfRangeException(nameof(permutations), permutations, "Run at least one permutation.");
        var zp = Standardized(Pictures);
        var zw = Standardized(Words);
        int concepts = Concepts.Count, units = Scores.Count;
        var identity = Enumerable.Range(0, concepts).ToArray();
        // Each counted unit with its shared strongest concept.
        List<(int Unit, int Concept)> Count(int[] wordOrder) => [.. Enumerable.Range(0, units).Select(u =>
        {
            int p = Enumerable.Range(0, concepts).MaxBy(k => zp[k, u]);
            int w = Enumerable.Range(0, concepts).MaxBy(k => zw[wordOrder[k], u]);
            return (u, Concept: p == w && zp[p, u] >= z && zw[wordOrder[w], u] >= z ? p : -1);
        }).Where(x => x.Concept >= 0)];
        var random = new Random(seed);
        var shuffled = new List<int>(permutations);
        for (int i = 0; i < permutations; i++) shuffled.Add(Count([.. identity.OrderBy(_ => random.Next())]).Count);
        var real = Count(identity);
        return new ConceptLevelCount([.. real.Select(x => x.Unit)], [.. real.Select(x => Concepts[x.Concept])], z, shuffled);
    }

    /// <summary>[concept, unit] → each concept's row as z-scores over the units (0 for a row with no spread).</summary>
    static double[,] Standardized(double[,] profile)
    {
        int c = profile.GetLength(0), u = profile.GetLength(1);
        var z = new double[c, u];
        for (int k = 0; k < c; k++)
        {
            double mean = 0, sq = 0;
            for (int j = 0; j < u; j++) mean += profile[k, j];
            mean /= u;
            for (int j = 0; j < u; j++) sq += (profile[k, j] - mean) * (profile[k, j] - mean);
            double sd = Math.Sqrt(sq / u);
            for (int j = 0; j < u; j++) z[k, j] = sd > 0 ? (profile[k, j] - mean) / sd : 0;
        }
        return z;
    }

    /// <summary>A unit's preferred concept on pictures and on words.</summary>
    public (string Picture, string Word) Preferred(int unit)
    {
        int c = Concepts.Count;
        return (Concepts[Enumerable.Range(0, c).MaxBy(k => Pictures[k, unit])], Concepts[Enumerable.Range(0, c).MaxBy(k => Words[k, unit])]);
    }
}

/// <summary>Multimodality probes for any image model with a <see cref="HookedModel"/> layer (model-agnostic).</summary>
public static class Multimodality
{
    /// <summary>
    /// Measures every unit of <paramref name="layer"/>: <paramref name="pictures"/>[k] and <paramref name="words"/>[k] are batches
    /// [N, 3, H, W] showing concept k as a picture and as its written word.
    /// </summary>
    public static MultimodalityReport Measure(HookedModel model, string layer, IReadOnlyList<string> concepts, IReadOnlyList<Tensor> pictures,
        IReadOnlyList<Tensor> words, double threshold = 0.6, int permutations = 1000, int seed = 0)
    {
        if (concepts.Count < 3) throw new ArgumentException($"Give at least three concepts (a correlation over fewer means little); got {concepts.Count}.", nameof(concepts));
        if (pictures.Count != concepts.Count || words.Count != concepts.Count)
            throw new ArgumentException($"Give one picture batch and one word batch per concept: {concepts.Count} concepts, {pictures.Count} picture batches, {words.Count} word " +
                "batches.");
        if (threshold is <= -1 or >= 1) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold is a correlation in (−1, 1), e.g. 0.6.");
        if (permutations < 1) throw new ArgumentOutOfRangeException(nameof(permutations), permutations, "Run at least one permutation.");
        model.RequireLayer(layer);
        var p = Profiles(model, layer, pictures);
        var w = Profiles(model, layer, words);
        int units = p.GetLength(1);
        var identity = Enumerable.Range(0, concepts.Count).ToArray();
        var scores = Enumerable.Range(0, units).Select(u => Correlation(p, w, u, identity)).ToList();
        var random = new Random(seed);
        var shuffled = new List<int>(permutations);
        for (int i = 0; i < permutations; i++)
        {
            var perm = identity.OrderBy(_ => random.Next()).ToArray();
            shuffled.Add(Enumerable.Range(0, units).Count(u => Correlation(p, w, u, perm) > threshold));
        }
        return new MultimodalityReport(layer, concepts, p, w, scores, threshold, shuffled);
    }

    /// <summary>[concept, unit]: each unit's activation averaged over positions and images of each batch.</summary>
    static double[,] Profiles(HookedModel model, string layer, IReadOnlyList<Tensor> batches)
    {
        double[,]? result = null;
        using var _ = no_grad();
        for (int k = 0; k < batches.Count; k++)
        {
            using var scope = NewDisposeScope();
            using var cache = model.RunWithCache(batches[k].to(model.Dtype), [layer], stopEarly: true);
            var act = cache[layer].to(float64);
            var mean = (act.ndim == 4 ? act.mean([0, 2, 3]) : act.mean([0])).data<double>().ToArray();
            result ??= new double[batches.Count, mean.Length];
            for (int u = 0; u < mean.Length; u++) result[k, u] = mean[u];
        }
        return result!;
    }

    /// <summary>
    /// The Pearson correlation over concepts of <paramref name="unit"/>'s picture profile (<paramref name="pictures"/>[concept,
    /// unit]) with its word profile (<paramref name="words"/>[concept, unit]) read through <paramref name="wordOrder"/> (the
    /// identity for the real score, a permutation for the baseline).
    /// </summary>
    public static double Correlation(double[,] pictures, double[,] words, int unit, int[] wordOrder)
    {
        ArgumentNullException.ThrowIfNull(pictures);
        ArgumentNullException.ThrowIfNull(words);
        ArgumentNullException.ThrowIfNull(wordOrder);
        int n = wordOrder.Length;
        if (n < 2 || pictures.GetLength(0) != n || words.GetLength(0) != n)
            throw new ArgumentException($"The profiles need the same number of concepts (at least 2) as the word order has entries; got {pictures.GetLength(0)} picture rows, " +
                $"{words.GetLength(0)} word rows and {n} entries.");
        if (unit < 0 || unit >= pictures.GetLength(1) || unit >= words.GetLength(1))
            throw new ArgumentOutOfRangeException(nameof(unit), unit, $"The profiles have units 0..{Math.Min(pictures.GetLength(1), words.GetLength(1)) - 1}.");
        double ma = 0, mb = 0;
        for (int k = 0; k < n; k++) { ma += pictures[k, unit]; mb += words[wordOrder[k], unit]; }
        ma /= n;
        mb /= n;
        double num = 0, da = 0, db = 0;
        for (int k = 0; k < n; k++)
        {
            double a = pictures[k, unit] - ma, b = words[wordOrder[k], unit] - mb;
            num += a * b;
            da += a * a;
            db += b * b;
        }
        return da > 0 && db > 0 ? num / Math.Sqrt(da * db) : 0;
    }
}
