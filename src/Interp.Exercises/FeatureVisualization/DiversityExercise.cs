using Interp.FeatureVisualization.Objectives;
using static TorchSharp.torch;

namespace Interp.Exercises.FeatureVisualization;

/// <summary>
/// Exercise 01.3 (★★☆): implement the diversity term — for activations [N, C, H, W], the Gram matrix
/// of each image (C × C, over positions), L2-normalized, then Σ_i Σ_{j≠i} ⟨G_i, G_j⟩ / N.
/// </summary>
public static class DiversityExercise
{
    /// <summary>The exercise's id and title.</summary>
    public const string Title = "01.3 The diversity objective";

    /// <summary>The learner's function: activations [N, C, H, W] → a scalar tensor.</summary>
    public delegate Tensor Answer(Tensor activations);

    /// <summary>Compares the learner's value with the library's objective on random activations.</summary>
    public static CheckResult Check(Answer answer)
    {
        const string hint = "Flatten each image to [C, H·W], multiply by its transpose to get [C, C], divide by its norm; " +
                            "then sum the element-wise products of every pair of different images and divide by N.";
        foreach (var (n, c, s) in new[] { (4, 6, 5), (3, 8, 3) })
        {
            using var scope = NewDisposeScope();
            var acts = randn([n, c, s, s], generator: new Generator().manual_seed(n * 10 + c)).relu();
            var ctx = new ObjectiveContext(new Dictionary<string, Tensor> { ["layer"] = acts }, zeros(n, 3, 2, 2));
            var expected = Objectives.Diversity("layer").Total(ctx);
            if (ExerciseRunner.Compare(Title, hint, expected, () =>
                    {
                        var got = answer(acts);
                        return got is not null && got.numel() == 1 ? got.reshape([]) : got; // accept [1] as well as a scalar
                    },
                    $"diversity of {n} images with {c} channels", 1e-4) is { } failed)
                return failed;
        }
        return new CheckResult(Title, true, "Your diversity term matches the library's on two batches.");
    }
}
