using Interp.FeatureVisualization.Parameterizations;
using static TorchSharp.torch;

namespace Interp.Exercises.FeatureVisualization;

/// <summary>
/// Exercise 01.2 (★★☆): implement the Fourier parameterization's map from a complex spectrum
/// [N, 3, H, W/2 + 1] to an image [N, 3, H, W]: scale every coefficient by
/// 1 / max(f, 1/max(W, H))^decay · sqrt(W·H), take the inverse real FFT, divide by 4.
/// </summary>
public static class FourierExercise
{
    /// <summary>The exercise's id and title.</summary>
    public const string Title = "01.2 The Fourier parameterization";

    /// <summary>The learner's function: (complex spectrum, height, width, decay) → image.</summary>
    public delegate Tensor Answer(Tensor spectrum, int height, int width, double decay);

    /// <summary>Compares the learner's map with the library's on random spectra of several sizes and decays.</summary>
    public static CheckResult Check(Answer answer)
    {
        const string hint = "Frequencies: f = sqrt(fx² + fy²) with fy = fftfreq(H) for rows and fx = 0, 1/W, …, 1/2 for the W/2 + 1 columns. " +
                            "Then scale = 1 / max(f, 1/max(W,H))^decay · sqrt(W·H), image = fft.irfft2(spectrum · scale, s: [H, W]) / 4.";
        foreach (var (h, w, decay) in new[] { (16, 16, 1.0), (12, 20, 1.0), (16, 8, 1.5) })
        {
            using var scope = NewDisposeScope();
            var gen = new Generator().manual_seed(h * 31 + w);
            var spectrum = view_as_complex(randn([1, 3, h, w / 2 + 1, 2], generator: gen) * 0.01);
            var expected = FourierImage.SpectrumToImage(spectrum, h, w, decay);
            if (ExerciseRunner.Compare(Title, hint, expected, () => answer(spectrum, h, w, decay), $"the image for a {h}×{w} spectrum with decay {decay}", 1e-4) is { } failed)
                return failed;
        }
        return new CheckResult(Title, true, "Your Fourier parameterization matches the library's for three sizes and decays.");
    }
}
