using static TorchSharp.torch;

namespace Interp.Exercises.VisionTransformers;

/// <summary>
/// Exercise 06.1 (★☆☆): a head's attention pattern from its queries and keys — for q, k [N, T, heads, d], the pattern
/// [N, heads, T_query, T_key] = softmax over keys of q·k / √d, as <c>hook_pattern</c> holds it.
/// </summary>
public static class AttentionPatternExercise
{
    /// <summary>The exercise's id and title.</summary>
    public const string Title = "06.1 An attention pattern from q and k";

    /// <summary>The learner's function: (q, k) → pattern.</summary>
    public delegate Tensor Answer(Tensor q, Tensor k);

    /// <summary>Compares with a reference computed query by query in float64, on random and on large scores.</summary>
    public static CheckResult Check(Answer answer)
    {
        const string hint = "Move the heads before the tokens (permute(0, 2, 1, 3)) so that q is [N, heads, T, d] and k transposed is [N, heads, d, T]; " +
                            "matmul them, divide by √d (d is the last size of q), and take softmax over the last axis (the keys).";
        var gen = new Generator().manual_seed(61);
        var cases = new (string What, Tensor Q, Tensor K)[]
        {
            ("2 pictures, 5 tokens, 3 heads of width 4", randn([2, 5, 3, 4], generator: gen), randn([2, 5, 3, 4], generator: gen)),
            ("1 picture, 65 tokens, 4 heads of width 32 (the toy ViT's shape)", randn([1, 65, 4, 32], generator: gen), randn([1, 65, 4, 32], generator: gen)),
            ("large scores (a softmax that is not stabilized overflows)", randn([1, 4, 2, 8], generator: gen) * 30, randn([1, 4, 2, 8], generator: gen) * 30),
        };
        foreach (var (what, q, k) in cases)
        {
            using var expected = Reference(q, k);
            if (CheckResult.Try(Title, hint, () => answer(q.clone(), k.clone()), out var got) is { } threw) return threw;
            var close = Interp.Exercises.Check.Close(Title, got, expected, $"Your pattern for {what}", 1e-5, hint);
            if (!close.Passed) return close;
        }
        return new CheckResult(Title, true, $"Your attention patterns match the reference on {cases.Length} cases, the toy ViT's shape and large scores included.");
    }

    /// <summary>Query by query in float64: scores to every key, their maximum subtracted, exponentiated and normalized.</summary>
    static Tensor Reference(Tensor q, Tensor k)
    {
        int n = (int)q.shape[0], t = (int)q.shape[1], heads = (int)q.shape[2], d = (int)q.shape[3];
        var qs = q.to(float64).data<double>().ToArray();
        var ks = k.to(float64).data<double>().ToArray();
        var result = new double[n * heads * t * t];
        for (int b = 0; b < n; b++)
            for (int h = 0; h < heads; h++)
                for (int i = 0; i < t; i++)
                {
                    var scores = new double[t];
                    for (int j = 0; j < t; j++)
                        for (int c = 0; c < d; c++)
                            scores[j] += qs[((b * t + i) * heads + h) * d + c] * ks[((b * t + j) * heads + h) * d + c] / Math.Sqrt(d);
                    double max = scores.Max(), sum = scores.Sum(s => Math.Exp(s - max));
                    for (int j = 0; j < t; j++) result[((b * heads + h) * t + i) * t + j] = Math.Exp(scores[j] - max) / sum;
                }
        return tensor(result, [n, heads, t, t]).to(q.dtype);
    }
}
