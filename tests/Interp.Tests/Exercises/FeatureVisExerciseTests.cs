using Interp.Exercises.FeatureVisualization;
using static TorchSharp.torch;

namespace Interp.Tests.Exercises;

public class FeatureVisExerciseTests
{
    // ----- 01.1 Jitter -----
    [Fact]
    public void The_solution_of_01_1_passes() =>
        AssertPasses(JitterExercise.Check((image, d, dy, dx) =>
            image[.., .., dy..(int)(dy + image.shape[2] - d), dx..(int)(dx + image.shape[3] - d)]));

    [Fact]
    public void Swapped_offsets_in_01_1_fail() =>
        AssertFails(JitterExercise.Check((image, d, dy, dx) =>
            image[.., .., dx..(int)(dx + image.shape[2] - d), dy..(int)(dy + image.shape[3] - d)]), "differs from the reference");

    [Fact]
    public void An_off_by_one_crop_in_01_1_fails() =>
        AssertFails(JitterExercise.Check((image, d, dy, dx) =>
            image[.., .., dy..(int)(dy + image.shape[2] - d + 1), dx..(int)(dx + image.shape[3] - d + 1)]), "should have shape");

    [Fact]
    public void A_stub_in_01_1_fails_with_the_exception() =>
        AssertFails(JitterExercise.Check((_, _, _, _) => throw new NotImplementedException("Write Jitter")), "NotImplementedException");

    // ----- 01.2 Fourier -----
    static Tensor FourierSolution(Tensor spectrum, int h, int w, double decay, bool forgetSqrt = false, bool forgetFloor = false)
    {
        int wf = w / 2 + 1;
        var f = new float[h * wf];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < wf; x++)
            {
                double fy = (y < (h + 1) / 2 ? y : y - h) / (double)h, fx = x / (double)w;
                double freq = Math.Sqrt(fx * fx + fy * fy);
                if (!forgetFloor) freq = Math.Max(freq, 1.0 / Math.Max(w, h));
                f[y * wf + x] = (float)(Math.Pow(Math.Max(freq, 1e-12), -decay) * (forgetSqrt ? 1 : Math.Sqrt(w * h)));
            }
        var scale = tensor(f, [h, wf]);
        return fft.irfft2(spectrum * scale, s: [h, w]) / 4;
    }

    [Fact]
    public void The_solution_of_01_2_passes() =>
        AssertPasses(FourierExercise.Check((s, h, w, d) => FourierSolution(s, h, w, d)));

    [Fact]
    public void Forgetting_the_sqrt_wh_factor_in_01_2_fails() =>
        AssertFails(FourierExercise.Check((s, h, w, d) => FourierSolution(s, h, w, d, forgetSqrt: true)), "differs from the reference");

    [Fact]
    public void Forgetting_the_frequency_floor_in_01_2_fails() =>
        AssertFails(FourierExercise.Check((s, h, w, d) => FourierSolution(s, h, w, d, forgetFloor: true)), "differs from the reference");

    // ----- 01.3 Diversity -----
    static Tensor DiversitySolution(Tensor acts, bool normalize = true, bool includeSelf = false)
    {
        long n = acts.shape[0];
        var flat = acts.flatten(2);
        var grams = flat.matmul(flat.transpose(1, 2)).flatten(1);
        if (normalize) grams = grams / grams.norm(1, keepdim: true);
        var sims = grams.matmul(grams.t());
        var total = includeSelf ? sims.sum() : sims.sum() - sims.diagonal().sum();
        return total / n;
    }

    [Fact]
    public void The_solution_of_01_3_passes() => AssertPasses(DiversityExercise.Check(a => DiversitySolution(a)));

    [Fact]
    public void Unnormalized_grams_in_01_3_fail() => AssertFails(DiversityExercise.Check(a => DiversitySolution(a, normalize: false)), "differs from the reference");

    [Fact]
    public void Counting_each_image_with_itself_in_01_3_fails() => AssertFails(DiversityExercise.Check(a => DiversitySolution(a, includeSelf: true)), "differs from the reference");

    static void AssertPasses(Interp.Exercises.CheckResult r) => Assert.True(r.Passed, r.ToString());

    static void AssertFails(Interp.Exercises.CheckResult r, string messagePart)
    {
        Assert.False(r.Passed, "a wrong answer passed: " + r);
        Assert.Contains(messagePart, r.Message);
        Assert.NotNull(r.Hint);
    }
}
