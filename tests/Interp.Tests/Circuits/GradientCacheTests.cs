using static TorchSharp.torch;

namespace Interp.Tests.Circuits;

public class GradientCacheTests
{
    [Fact]
    public void Cached_gradients_match_autograd_on_the_network_written_out_by_hand()
    {
        // float64, so that the hooks are checked to 1e-12 rather than to float32 rounding of two summation orders.
        using var model = TinyNets.Model(residual: true, seed: 3);
        model.To(float64);
        var net = (TinyNets.Chain)model.Module;
        using var x = rand([2, 3, 16, 16], dtype: float64, generator: new Generator().manual_seed(4));
        static Tensor Metric(Tensor output) => output[0, 1, 5, 6] + 2 * output[1, 0, 8, 8];

        using var cache = model.RunWithGradients(x, ["relu1", "relu2"], Metric);

        // The same network written out, with relu1's output as a leaf: no hooks involved.
        using (var scope = NewDisposeScope())
        {
            using var grad = enable_grad();
            var h1 = nn.functional.relu(net.Conv1.call(x)).detach().requires_grad_(true);
            var h2 = nn.functional.relu(net.Conv2.call(h1)).detach().requires_grad_(true);
            var y = net.Conv3.call(h2 + h1);
            var metric = Metric(y);
            var expected = autograd.grad([metric], [h1, h2]);
            // relu1's gradient also flows through conv2 → relu2: add that path.
            var throughH2 = autograd.grad([(nn.functional.relu(net.Conv2.call(h1)) * expected[1]).sum()], [h1])[0];
            Assert.True(cache.Gradient("relu2").allclose(expected[1], rtol: 1e-12, atol: 1e-12));
            Assert.True(cache.Gradient("relu1").allclose(expected[0] + throughH2, rtol: 1e-12, atol: 1e-12));
            Assert.Equal(metric.item<double>(), cache.Metric, 12);
            Assert.True(cache.Activations["relu1"].allclose(h1.detach()));
        }
        Assert.Equal(0, model.ActiveHookCount);
        Assert.All(model.Module.parameters(), p => Assert.True(p.grad is null || p.grad.IsInvalid));
        Assert.All(model.Module.parameters(), p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void The_input_gradient_matches_a_finite_difference_and_attribution_is_gradient_times_activation()
    {
        using var model = TinyNets.Model(seed: 5);
        model.To(float64);
        using var x = rand([1, 3, 16, 16], dtype: float64, generator: new Generator().manual_seed(6));
        static Tensor Metric(Tensor output) => output[0, 0, 7, 7];
        using var cache = model.RunWithGradients(x, ["relu2"], Metric);

        double eps = 1e-6;
        using var bumped = x.clone();
        bumped[0, 2, 7, 8] += eps;
        using var before = model.Forward(x);
        using var after = model.Forward(bumped);
        double numeric = (after[0, 0, 7, 7].item<double>() - before[0, 0, 7, 7].item<double>()) / eps;
        Assert.Equal(numeric, cache.InputGradient[0, 2, 7, 8].item<double>(), 5);

        using var attribution = cache.ChannelAttribution("relu2");
        using var direct = (cache.Activations["relu2"] * cache.Gradient("relu2")).sum([2, 3]);
        Assert.Equal([1L, 2L], attribution.shape);
        Assert.True(attribution.allclose(direct));
    }

    [Fact]
    public void A_stopped_pass_gives_zero_gradient_to_later_layers_and_bad_metrics_are_refused_without_leaking_hooks()
    {
        using var model = TinyNets.Model(seed: 7);
        using var x = rand([1, 3, 16, 16], generator: new Generator().manual_seed(8));
        using (var cache = model.RunWithGradients(x, ["conv1", "conv3"], act => act[0, 0].sum(), metricLayer: "relu1"))
        {
            Assert.True(cache.Gradient("conv1").abs().sum().item<float>() > 0);
            Assert.Equal(0f, cache.Gradient("conv3").abs().sum().item<float>());
        }
        Assert.Contains("one number", Assert.Throws<ArgumentException>(() => model.RunWithGradients(x, ["relu1"], y => y)).Message);
        Assert.Contains("constant", Assert.Throws<ArgumentException>(() => model.RunWithGradients(x, ["relu1"], y => ones(1))).Message);
        Assert.Throws<InvalidOperationException>(() => model.RunWithGradients(x, ["relu1"], y => throw new InvalidOperationException("boom")));
        Assert.Contains("relu1", Assert.Throws<ArgumentException>(() => model.RunWithGradients(x, ["relu9"], y => y.sum())).Message);
        Assert.Equal(0, model.ActiveHookCount);
        Assert.All(model.Module.parameters(), p => Assert.True(p.requires_grad));
    }
}
