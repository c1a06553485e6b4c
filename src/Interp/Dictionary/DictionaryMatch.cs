using static TorchSharp.torch;

namespace Interp.Dictionary;

/// <summary>How well one dictionary's atoms are found in another's: each column's best cosine similarity among the other's columns.</summary>
public static class DictionaryMatch
{
    /// <summary>
    /// For each column of <paramref name="atoms"/> [D, A], its largest cosine similarity with a column of <paramref name="dictionary"/>
    /// [D, F] (signed: a feature pointing the opposite way does not count as a match).
    /// </summary>
    public static double[] BestCosines(Tensor atoms, Tensor dictionary)
    {
        if (atoms.ndim != 2 || dictionary.ndim != 2 || atoms.shape[0] != dictionary.shape[0])
            throw new ArgumentException($"Expected two dictionaries as columns with the same dimension [D, A] and [D, F]; got [{string.Join(", ", atoms.shape)}] " +
                $"and [{string.Join(", ", dictionary.shape)}].");
        using var scope = NewDisposeScope();
        var a = atoms.to(float64);
        var d = dictionary.to(float64);
        var cosines = (a / a.norm(0, keepdim: true)).t().matmul(d / d.norm(0, keepdim: true));   // [A, F]
        return cosines.amax(1).data<double>().ToArray();
    }

    /// <summary>The share of <paramref name="bestCosines"/> at or above <paramref name="threshold"/> (e.g. 0.9 for a "match").</summary>
    public static double ShareAbove(IReadOnlyList<double> bestCosines, double threshold) =>
        bestCosines.Count == 0 ? 0 : bestCosines.Count(c => c >= threshold) / (double)bestCosines.Count;
}
