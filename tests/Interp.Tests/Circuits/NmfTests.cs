using Interp.Circuits;
using static TorchSharp.torch;

namespace Interp.Tests.Circuits;

public class NmfTests
{
    /// <summary>A non-negative rank-3 matrix [40, 12] made from known non-negative factors.</summary>
    static Tensor RankThree(long seed)
    {
        var gen = new Generator().manual_seed(seed);
        return rand([40, 3], generator: gen, dtype: float64).matmul(rand([3, 12], generator: gen, dtype: float64)).to(float32);
    }

    [Fact]
    public void Nmf_error_decreases_factors_stay_non_negative_and_the_same_seed_gives_the_same_factors()
    {
        using var data = RankThree(1);
        using var fit = Nmf.Fit(data, 3, iterations: 400, seed: 7);
        for (int i = 1; i < fit.Errors.Count; i++) Assert.True(fit.Errors[i] <= fit.Errors[i - 1] + 1e-9, $"error rose at iteration {i}");
        Assert.True(fit.Errors[^1] < 0.02, $"final relative error {fit.Errors[^1]:F4}");
        Assert.True(fit.Weights.min().item<float>() >= 0 && fit.Components.min().item<float>() >= 0);
        using var again = Nmf.Fit(data, 3, iterations: 400, seed: 7);
        Assert.True(again.Weights.SameAs(fit.Weights) && again.Components.SameAs(fit.Components));
        using var other = Nmf.Fit(data, 3, iterations: 400, seed: 8);
        Assert.False(other.Weights.SameAs(fit.Weights));
        using var recon = fit.Reconstruct();
        Assert.Equal(fit.Errors[^1], ((recon.to(float64) - data.to(float64)).norm() / data.to(float64).norm()).item<double>(), 4);
    }

    [Fact]
    public void One_sided_nmf_fits_signed_data_with_non_negative_weights_and_the_reducer_keeps_the_map_shape()
    {
        using var gen = new Generator().manual_seed(2);
        using var signed = rand([30, 2], generator: gen, dtype: float64).matmul(randn([2, 9], generator: gen, dtype: float64)).to(float32);
        Assert.Contains("non-negative data", Assert.Throws<ArgumentException>(() => Nmf.Fit(signed, 2)).Message);
        using var fit = Nmf.FitOneSided(signed, 2, iterations: 300, seed: 1);
        Assert.True(fit.Weights.min().item<float>() >= 0);
        Assert.True(fit.Components.min().item<float>() < 0);                     // signed patterns are allowed
        for (int i = 1; i < fit.Errors.Count; i++) Assert.True(fit.Errors[i] <= fit.Errors[i - 1] + 1e-9, $"error rose at iteration {i}");
        Assert.True(fit.Errors[^1] < 0.05, $"final relative error {fit.Errors[^1]:F4}");

        using var acts = rand([2, 6, 4, 5], generator: new Generator().manual_seed(3));
        var (maps, reduced) = Nmf.ReduceChannels(acts, 3, iterations: 50);
        using (maps) using (reduced)
        {
            Assert.Equal([2L, 3, 4, 5], maps.shape);
            Assert.Equal([3L, 6], reduced.Components.shape);
            // Map (n, k, y, x) is the weight of component k at that position: the reconstruction at one position checks the layout.
            using var at = maps[1, .., 2, 3].matmul(reduced.Components);
            using var row = reduced.Reconstruct()[(1 * 4 + 2) * 5 + 3];
            Assert.True(at.allclose(row));
        }
        Assert.Contains("1..2", Assert.Throws<ArgumentOutOfRangeException>(() => Nmf.Fit(rand([2, 5]), 3)).Message);
    }
}
