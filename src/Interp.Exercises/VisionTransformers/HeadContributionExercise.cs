using static TorchSharp.torch;

namespace Interp.Exercises.VisionTransformers;

/// <summary>
/// Exercise 06.2 (★★☆): one component's direct contribution to the image embedding — its output at the class token [N, W]
/// through <c>ln_post</c> with the scale frozen at the value of the final residual [N, W], then the projection [W, D]:
/// (c − mean(c)) / σ(final) · γ, times the projection. <c>ln_post</c>'s bias belongs to no component.
/// </summary>
public static class HeadContributionExercise
{
    /// <summary>The exercise's id and title.</summary>
    public const string Title = "06.2 A head's direct contribution through ln_post";

    /// <summary>The learner's function: (component [N, W], final residual [N, W], γ [W], projection [W, D]) → contribution [N, D].</summary>
    public delegate Tensor Answer(Tensor component, Tensor finalResidual, Tensor gamma, Tensor projection);

    /// <summary>Compares with a reference row by row in float64, and checks that the contributions of a split residual sum back.</summary>
    public static CheckResult Check(Answer answer)
    {
        const string hint = "σ is the final residual's standard deviation over its W entries (population: unbiased: false) with LayerNorm's ε = 1e-5 " +
                            "added to the variance; centre the component by its own mean, divide by σ, multiply by γ, then matmul the projection. " +
                            "Do not add ln_post's bias.";
        var gen = new Generator().manual_seed(62);
        int n = 3, w = 8, dim = 5;
        var parts = Enumerable.Range(0, 4).Select(_ => randn([n, w], generator: gen)).ToList();
        var final = parts.Aggregate((a, b) => a + b);
        var gamma = rand([w], generator: gen) + 0.5;
        var projection = randn([w, dim], generator: gen);
        foreach (var (what, component) in new[] { ("the first of four components", parts[0]), ("the final residual itself", final) })
        {
            using var expected = Reference(component, final, gamma, projection);
            if (CheckResult.Try(Title, hint, () => answer(component.clone(), final.clone(), gamma.clone(), projection.clone()), out var got) is { } threw) return threw;
            var close = Interp.Exercises.Check.Close(Title, got, expected, $"Your contribution of {what}", 1e-5, hint);
            if (!close.Passed) return close;
        }
        using var summed = parts.Select(p => answer(p.clone(), final.clone(), gamma.clone(), projection.clone())).Aggregate((a, b) => a + b);
        using var whole = Reference(final, final, gamma, projection);
        var sums = Interp.Exercises.Check.Close(Title, summed, whole, "The sum of your four contributions", 1e-5, hint);
        if (!sums.Passed) return sums;
        return new CheckResult(Title, true, "Your contributions match the reference, and four components' contributions sum to the whole residual's.");
    }

    static Tensor Reference(Tensor component, Tensor final, Tensor gamma, Tensor projection)
    {
        int n = (int)component.shape[0], w = (int)component.shape[1], dim = (int)projection.shape[1];
        var c = component.to(float64).data<double>().ToArray();
        var f = final.to(float64).data<double>().ToArray();
        var g = gamma.to(float64).data<double>().ToArray();
        var p = projection.to(float64).data<double>().ToArray();
        var result = new double[n * dim];
        for (int r = 0; r < n; r++)
        {
            double fm = 0, cm = 0, variance = 0;
            for (int i = 0; i < w; i++) { fm += f[r * w + i] / w; cm += c[r * w + i] / w; }
            for (int i = 0; i < w; i++) variance += (f[r * w + i] - fm) * (f[r * w + i] - fm) / w;
            double sigma = Math.Sqrt(variance + 1e-5);
            for (int j = 0; j < dim; j++)
                for (int i = 0; i < w; i++)
                    result[r * dim + j] += (c[r * w + i] - cm) / sigma * g[i] * p[i * dim + j];
        }
        return tensor(result, [n, dim]).to(component.dtype);
    }
}
