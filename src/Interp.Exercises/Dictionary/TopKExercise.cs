using static TorchSharp.torch;

namespace Interp.Exercises.Dictionary;

/// <summary>
/// Exercise 05.1 (★☆☆): the TopK encoder's activation — for pre-activations [N, F], keep in each row the k largest values, passed
/// through a ReLU, and set every other entry to 0.
/// </summary>
public static class TopKExercise
{
    /// <summary>The exercise's id and title.</summary>
    public const string Title = "05.1 The TopK encoder";

    /// <summary>The learner's function: (pre-activations [N, F], k) → features [N, F].</summary>
    public delegate Tensor Answer(Tensor preActivations, int k);

    /// <summary>Compares with a reference built element by element, on rows with negative values, ties broken apart, and k = 1.</summary>
    public static CheckResult Check(Answer answer)
    {
        const string hint = "Tensor.topk(k, dim: 1) gives the values and indices of each row's k largest; start from zeros_like(pre) and " +
                            "scatter(1, indices, relu(values)) puts them back in place. A kept value below 0 becomes 0.";
        var gen = new Generator().manual_seed(51);
        var cases = new (string What, Tensor Pre, int K)[]
        {
            ("6 rows of 10 random pre-activations, k = 3", randn([6, 10], generator: gen), 3),
            ("rows where fewer than k values are positive, k = 4", randn([5, 8], generator: gen) - 1.5, 4),
            ("k = 1", randn([4, 7], generator: gen), 1),
        };
        foreach (var (what, pre, k) in cases)
        {
            using var expected = Reference(pre, k);
            if (CheckResult.Try(Title, hint, () => answer(pre.clone(), k), out var got) is { } threw) return threw;
            var close = Interp.Exercises.Check.Close(Title, got, expected, $"Your features for {what}", 1e-6, hint);
            if (!close.Passed) return close;
        }
        return new CheckResult(Title, true, $"Your TopK encoder matches the reference on {cases.Length} batches, negative rows and k = 1 included.");
    }

    /// <summary>Element by element: each row's k largest (by value, ties to the lower index) kept if positive.</summary>
    static Tensor Reference(Tensor pre, int k)
    {
        var values = pre.to(float64).data<double>().ToArray();
        int n = (int)pre.shape[0], f = (int)pre.shape[1];
        var result = new double[values.Length];
        for (int r = 0; r < n; r++)
            foreach (int i in Enumerable.Range(0, f).OrderByDescending(i => values[r * f + i]).ThenBy(i => i).Take(k))
                result[r * f + i] = Math.Max(0, values[r * f + i]);
        return tensor(result, [n, f]).to(pre.dtype);
    }
}
