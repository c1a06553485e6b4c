using static TorchSharp.torch;

namespace Interp.Exercises.TrainingDynamics;

/// <summary>
/// Exercise 07.2 (★★☆): a layer's radially averaged filter power spectrum — for filters [out, in, k, k], the k×k DFT of each
/// filter and input channel, its power |F|² summed over input channels and averaged over filters, then averaged over the
/// frequencies (u, v) in each ring round(√(u² + v²)) = r, with u and v taken in −⌊(k−1)/2⌋ … ⌊k/2⌋.
/// </summary>
public static class FilterProfileExercise
{
    /// <summary>The exercise's id and title.</summary>
    public const string Title = "07.2 A first layer's frequency profile";

    /// <summary>The learner's function: filters → power per radius, from 0 (DC) up.</summary>
    public delegate double[] Answer(Tensor filters);

    /// <summary>Compares with a direct DFT, written out sum by sum, on a box, a grating and random filters of odd and even sides.</summary>
    public static CheckResult Check(Answer answer)
    {
        const string hint = "torch.fft.fft2 on the last two axes gives F for every filter and channel; .abs().pow(2) is the power; sum over axis 1 (input " +
                            "channels) and take the mean over axis 0 (filters) — write .mean(new long[] { 0 }): a bare 0 is taken as a ScalarType. " +
                            "Then for each (i, j) of the k×k grid, u = i ≤ k/2 ? i : i − k (same for v); " +
                            "add the power into bin round(√(u² + v²)) and divide each bin by how many frequencies fell into it.";
        var gen = new Generator().manual_seed(71);
        var grating = zeros(1, 1, 6, 6);
        for (int x = 0; x < 6; x++) grating[0, 0, .., x] = Math.Cos(2 * Math.PI * x / 3);
        var cases = new (string What, Tensor Filters)[]
        {
            ("a 5×5 box filter", ones(1, 1, 5, 5)),
            ("a 6×6 grating of period 3 px", grating),
            ("16 random 3×3 filters over 3 colours (the toy CNN's first layer's shape)", randn([16, 3, 3, 3], generator: gen, dtype: float64)),
            ("4 random 8×8 filters over 3 colours (the toy ViT's patch size)", randn([4, 3, 8, 8], generator: gen, dtype: float64)),
        };
        foreach (var (what, filters) in cases)
        {
            var expected = Reference(filters);
            if (CheckResult.Try(Title, hint, () => answer(filters.clone()), out var got) is { } threw) return threw;
            if (got is null || got.Length != expected.Length)
                return new CheckResult(Title, false, $"For {what} your profile has {got?.Length ?? 0} bins; it should have {expected.Length} " +
                                                     $"(radius 0 to {expected.Length - 1}).", hint);
            for (int r = 0; r < expected.Length; r++)
                if (!(Math.Abs(got[r] - expected[r]) <= 1e-6 * Math.Max(1, Math.Abs(expected[r]))))
                    return new CheckResult(Title, false, $"For {what} your power at radius {r} is {got[r]:G6}; it should be {expected[r]:G6}.", hint);
        }
        return new CheckResult(Title, true, $"Your profiles match a direct DFT on {cases.Length} sets of filters, odd and even sides included.");
    }

    /// <summary>Frequency by frequency: the DFT sum written out with cosines and sines, in float64.</summary>
    static double[] Reference(Tensor filters)
    {
        int outs = (int)filters.shape[0], ins = (int)filters.shape[1], k = (int)filters.shape[2];
        var w = filters.to(float64).contiguous().data<double>().ToArray();
        int bins = (int)Math.Round(Math.Sqrt(2) * (k / 2)) + 1;
        var sums = new double[bins];
        var counts = new int[bins];
        for (int u = -(k - 1) / 2; u <= k / 2; u++)
            for (int v = -(k - 1) / 2; v <= k / 2; v++)
            {
                double power = 0;
                for (int o = 0; o < outs; o++)
                    for (int c = 0; c < ins; c++)
                    {
                        double re = 0, im = 0;
                        for (int y = 0; y < k; y++)
                            for (int x = 0; x < k; x++)
                            {
                                double value = w[((o * ins + c) * k + y) * k + x], phase = -2 * Math.PI * (u * y + v * x) / k;
                                re += value * Math.Cos(phase);
                                im += value * Math.Sin(phase);
                            }
                        power += (re * re + im * im) / outs;
                    }
                int r = (int)Math.Round(Math.Sqrt(u * u + v * v));
                sums[r] += power;
                counts[r]++;
            }
        return [.. sums.Select((s, r) => counts[r] > 0 ? s / counts[r] : 0)];
    }
}
