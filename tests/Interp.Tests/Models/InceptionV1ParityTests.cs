using Interp.Hooks;
using Interp.Models;
using Interp.Zoo;
using static TorchSharp.torch;

namespace Interp.Tests.Models;

/// <summary>
/// Parity with Lucent's InceptionV1 on the shared fixture (random weights with the exact key layout of
/// inception5h.pth). Tolerance, per the fixture's README: max|ours − ref| ≤ 1e-5 · max|ref| per layer.
/// </summary>
[Trait("Needs", TestPaths.NeedsFixtures)]
public class InceptionV1ParityTests(ITestOutputHelper output)
{
    static string Dir => Path.GetDirectoryName(TestPaths.Fixture("inceptionv1-lucent", "state_dict.pth"))!;

    static void RequireFixture() => TestPaths.Fixture("inceptionv1-lucent", "state_dict.pth");

    static Tensor ReadBin(string name, params long[] shape) => FixtureFiles.Floats(Dir, name, shape);

    static HookedModel Load()
    {
        var model = new InceptionV1();
        InceptionV1Lucid.LoadStateDict(model, Path.Combine(Dir, "state_dict.pth"));
        return new HookedModel("inceptionv1-fixture", model, InceptionV1Lucid.Entry.Input);
    }

    [SkippableFact]
    public void State_dict_keys_order_and_shapes_equal_lucents()
    {
        RequireFixture();
        using var model = new InceptionV1();
        var ours = model.state_dict().Select(kv => $"{kv.Key}\t[{string.Join(", ", kv.Value.shape)}]\tfloat32").ToList();
        var reference = File.ReadAllLines(Path.Combine(Dir, "keys.txt")).Where(l => l.Length > 0).ToList();
        Assert.Equal(reference, ours);
    }

    [SkippableFact]
    public void Hook_names_equal_lucents_in_order()
    {
        RequireFixture();
        using var model = Load();
        var reference = File.ReadAllLines(Path.Combine(Dir, "hook_names.txt")).Where(l => l.Length > 0).ToList();
        Assert.Equal(reference, model.LayerNames.Where(n => n != "preprocess").ToList());
    }

    [SkippableFact]
    public void Activations_match_lucent_at_every_stored_layer()
    {
        RequireFixture();
        using var model = Load();
        using var unit = ReadBin("input_unit.bin", 1, 3, 224, 224);
        using var expectedInput = ReadBin("input.bin", 1, 3, 224, 224);
        var layers = new (string Name, long[] Shape)[]
        {
            ("conv2d0", [1, 64, 112, 112]), ("conv2d1", [1, 64, 56, 56]), ("conv2d2", [1, 192, 56, 56]),
            ("mixed3a", [1, 256, 28, 28]), ("mixed3b", [1, 480, 28, 28]), ("mixed4a", [1, 508, 14, 14]),
            ("mixed4e", [1, 832, 14, 14]), ("mixed5b", [1, 1024, 7, 7]),
            ("softmax2_pre_activation_matmul", [1, 1008]), ("softmax2", [1, 1008]),
        };
        using var _ = no_grad();
        using var cache = model.RunWithCache(unit, ["preprocess", .. layers.Select(l => l.Name)]);
        AssertClose("preprocess", expectedInput, cache["preprocess"]);
        foreach (var (name, shape) in layers)
        {
            using var expected = ReadBin($"act_{name}.bin", shape);
            AssertClose(name, expected, cache[name]);
        }
        var probabilities = cache.Output;
        Assert.Equal(1.0, probabilities.sum().item<float>(), 5);
        using var softmaxOfLogits = cache["softmax2_pre_activation_matmul"].softmax(1);
        Assert.True((softmaxOfLogits - cache["softmax2"]).abs().max().item<float>() <= 1e-9f + 1e-6f * cache["softmax2"].abs().max().item<float>());
    }

    [SkippableFact]
    public void The_zoo_loader_reads_a_state_dict_and_feature_visualization_runs_on_it()
    {
        RequireFixture();
        // The path the notebook takes with the real weights, here with the fixture's random weights. The
        // notebook's units (mixed3b:379, mixed4a:476) are dead at initialization in this random model and
        // start rising after 8–17 steps depending on the CPU's rounding, so they cannot show that the render
        // works. A pre-ReLU channel is linear in the layer before it: its gradient is never zero, so plain
        // gradient ascent (no random transforms) raises it from the first step on every CPU.
        using var model = InceptionV1Lucid.Load(Path.Combine(Dir, "state_dict.pth"));
        Assert.Equal("inceptionv1", model.Name);
        var objective = Interp.FeatureVisualization.Objectives.Objectives.Channel("mixed4a_3x3_pre_relu_conv:7");
        using var result = Interp.FeatureVisualization.Rendering.Renderer.Render(model, objective,
            new Interp.FeatureVisualization.Rendering.RenderSpec { Steps = 8, Size = 64, Seed = 0, Transforms = Interp.FeatureVisualization.Transforms.TransformStack.None },
            new Interp.FeatureVisualization.Rendering.RenderControl { Thresholds = [1] });
        output.WriteLine($"objective {result.History[0]:G4} → {result.History[^1]:G4}");
        Assert.All(result.History, v => Assert.True(double.IsFinite(v)));
        Assert.True(result.History[^1] > result.History[0], $"{objective} went from {result.History[0]} to {result.History[^1]}");
        double moved = (result.Snapshots[8] - result.Snapshots[1]).abs().max().item<float>();
        Assert.True(moved > 1e-3, $"the image moved by at most {moved}");
        var e = Assert.Throws<InvalidDataException>(() => InceptionV1Lucid.Load(TestPaths.Fixture("clip-modified-resnet-small", "state_dict.pth")));
        Assert.Contains("not an InceptionV1 state dict", e.Message);
    }

    [SkippableFact]
    public void The_input_gradient_through_mixed4a_matches_float64()
    {
        RequireFixture();
        // mixed4a_3x3 (96 → 204 channels, 3×3) is in the class of convolutions whose input gradient libtorch 2.10
        // computes wrongly on some CPUs (SafeConv2d); every render at mixed4a or deeper backpropagates through it.
        using var model = Load();
        using var model64 = Load().To(float64);
        using var x = rand([2, 3, 224, 224], generator: new Generator().manual_seed(11));
        static Tensor Metric(Tensor a) => a[.., 7].mean() + a[.., 300].mean();
        using var cache = model.RunWithGradients(x, ["mixed4a"], Metric, metricLayer: "mixed4b");
        using var reference = model64.RunWithGradients(x.to(float64), ["mixed4a"], Metric, metricLayer: "mixed4b");
        // The L2 norm of the error relative to the gradient's: a ReLU or max-pool choice that float32 rounding flips moves a few
        // elements a lot, which a largest-element comparison would take for a fault on some CPUs; a faulty convolution moves many.
        foreach (var (name, ours, exact) in new[] { ("input", cache.InputGradient, reference.InputGradient), ("mixed4a", cache.Gradient("mixed4a"),
            reference.Gradient("mixed4a")) })
        {
            double err = ((ours.to(float64) - exact).norm() / exact.norm()).item<double>();
            output.WriteLine($"{name,-8} ‖float32 − float64‖ / ‖float64‖ = {err:E2}");
            Assert.True(err <= 1e-5, $"the gradient at {name} is off by {err:E3} of its norm; {SafeConv2d.SelfTest}");
        }
    }

    void AssertClose(string layer, Tensor expected, Tensor actual)
    {

        Assert.Equal(expected.shape, actual.shape);
        double scale = expected.abs().max().item<float>();
        double err = (expected - actual).abs().max().item<float>();
        output.WriteLine($"{layer,-32} max|ours - lucent| = {err:E2}  max|ref| = {scale:G4}  ratio = {err / scale:E2}");
        Assert.True(err <= 1e-5 * scale, $"{layer}: max|ours - ref| = {err:E3} exceeds 1e-5 · {scale:G4}");
    }
}
