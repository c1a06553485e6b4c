using Interp.FeatureVisualization.Transforms;
using static TorchSharp.torch;

namespace Interp.Exercises.FeatureVisualization;

/// <summary>
/// Exercise 01.1 (★☆☆): implement jitter — crop an image batch [N, 3, H, W] to [N, 3, H − d, W − d]
/// starting at row <c>dy</c> and column <c>dx</c> (0 ≤ dy, dx ≤ d).
/// </summary>
public static class JitterExercise
{
    /// <summary>The exercise's id and title.</summary>
    public const string Title = "01.1 Jitter";

    /// <summary>The learner's function: (image, d, dy, dx) → the jittered image.</summary>
    public delegate Tensor Answer(Tensor image, int pixels, int dy, int dx);

    /// <summary>Compares the learner's jitter with the library's on several sizes and offsets.</summary>
    public static CheckResult Check(Answer answer)
    {
        const string hint = "Slice the last two dimensions: rows dy … dy + H − d, columns dx … dx + W − d. TorchSharp: image[.., .., dy..(dy + h), dx..(dx + w)].";
        var cases = new (int H, int W, int D, int Dy, int Dx)[] { (16, 16, 4, 1, 3), (20, 12, 3, 3, 0), (9, 11, 2, 0, 2) };
        foreach (var (h, w, d, dy, dx) in cases)
        {
            using var scope = NewDisposeScope();
            var image = rand([2, 3, h, w], generator: new Generator().manual_seed(h * 100 + w));
            var expected = Jitter.Crop(image, d, dy, dx); // the library's own jitter, at these offsets
            if (ExerciseRunner.Compare(Title, hint, expected, () => answer(image, d, dy, dx), $"jitter of a {h}×{w} image by d = {d} at (dy, dx) = ({dy}, {dx})", 0) is { } failed)
                return failed;
        }
        return new CheckResult(Title, true, $"Your jitter crops correctly for {cases.Length} sizes and offsets — the same crop as the library's {new Jitter(4).Description}.");
    }
}
