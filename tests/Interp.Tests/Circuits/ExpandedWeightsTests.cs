using Interp.Circuits;
using Interp.Units;
using static TorchSharp.torch;

namespace Interp.Tests.Circuits;

public class ExpandedWeightsTests
{
    /// <summary>
    /// Brute force, independent of autograd: the composition of two 3×3 convolutions (the middle ReLU taken as identity)
    /// from channel m of conv1's output to output channel o of conv3: E[m, a+b] = Σ_k W3[o, k, a] · W2[k, m, b], plus, with the
    /// residual, W3[o, m, ·] itself. Offsets are relative to the target position, so the 5×5 window is centred on it.
    /// </summary>
    static double[,,] BruteForce(TinyNets.Chain net, int o, bool residual)
    {
        var w2 = net.Conv2.Weight.to(float64).data<double>().ToArray();   // [2, 2, 3, 3]
        var w3 = net.Conv3.Weight.to(float64).data<double>().ToArray();   // [2, 2, 3, 3]
        double W2(int k, int m, int y, int x) => w2[((k * 2 + m) * 3 + y) * 3 + x];
        double W3(int oo, int k, int y, int x) => w3[((oo * 2 + k) * 3 + y) * 3 + x];
        var e = new double[2, 5, 5];
        for (int m = 0; m < 2; m++)
            for (int k = 0; k < 2; k++)
                for (int ay = 0; ay < 3; ay++) for (int ax = 0; ax < 3; ax++)
                    for (int by = 0; by < 3; by++) for (int bx = 0; bx < 3; bx++)
                        e[m, ay + by, ax + bx] += W3(o, k, ay, ax) * W2(k, m, by, bx);
        if (residual)
            for (int m = 0; m < 2; m++)
                for (int ay = 0; ay < 3; ay++) for (int ax = 0; ax < 3; ax++)
                    e[m, ay + 1, ax + 1] += W3(o, m, ay, ax);
        return e;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Expanded_weights_equal_the_composed_kernels_also_across_a_residual_add(bool residual)
    {
        using var model = TinyNets.Model(residual, seed: 3);
        var net = (TinyNets.Chain)model.Module;
        foreach (int o in new[] { 0, 1 })
        {
            using var ew = ExpandedWeights.Between(model, "relu1", Unit.Parse($"conv3:{o}"));
            var expected = BruteForce(net, o, residual);
            Assert.Equal([2L, 5, 5], ew.Weights.shape);
            Assert.Equal((8 - 2, 8 - 2), (ew.Top, ew.Left));                 // centred on the unit at (8, 8) of the 16×16 map
            var got = ew.Weights.to(float64).data<double>().ToArray();
            for (int i = 0; i < got.Length; i++)
                Assert.Equal(expected[i / 25, i / 5 % 5, i % 5], got[i], 5);
            Assert.Equal(new SpatialPosition(8, 8), ew.To.Position);
            var strongest = ew.Strongest(2);
            Assert.True(strongest[0].Norm >= strongest[1].Norm);
        }
        Assert.Equal(0, model.ActiveHookCount);
    }

    [Fact]
    public void A_non_linear_step_in_between_is_refused_and_bad_requests_say_what_is_valid()
    {
        // A max-pooling net: conv → maxpool → conv. Max pooling is not linear, and the check notices.
        var net = nn.Sequential(("conv1", nn.Conv2d(3, 2, 3, padding: 1)), ("pool", nn.MaxPool2d(2)), ("conv2", nn.Conv2d(2, 1, 3, padding: 1)));
        using var model = new Interp.Hooks.HookedModel("pool", net, new Interp.Hooks.InputConvention(16, "identity"));
        Assert.Contains("not linear", Assert.Throws<InvalidOperationException>(() => ExpandedWeights.Between(model, "conv1", Unit.Parse("conv2:0"))).Message);
        Assert.Equal(0, model.ActiveHookCount);
        using var chain = TinyNets.Model();
        Assert.Contains("did not run before", Assert.Throws<ArgumentException>(() => ExpandedWeights.Between(chain, "conv3", Unit.Parse("conv1:0"))).Message);
        Assert.Equal(0, chain.ActiveHookCount);
        Assert.Contains("names no channel", Assert.Throws<ArgumentException>(() => ExpandedWeights.Between(chain, "relu1", Unit.Parse("conv3"))).Message);
    }
}
