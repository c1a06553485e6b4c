using Interp.FeatureVisualization.Objectives;
using Interp.FeatureVisualization.Parameterizations;
using Interp.FeatureVisualization.Rendering;
using Interp.FeatureVisualization.Transforms;
using Interp.Tests.Models;
using static TorchSharp.torch;

namespace Interp.Tests.FeatureVisualization;

[Collection("resnet18")]
public class RenderTests(ResNet18Fixture fixture, ITestOutputHelper output)
{
    // Small and quick: 64 px images, fed to the model at 64 px.
    static RenderSpec Quick(int steps, int batch = 1, long seed = 0) => new()
    {
        Steps = steps, Size = 64, Batch = batch, Seed = seed,
        Transforms = new TransformStack([new Jitter(4)]),
    };

    public static TheoryData<string> ObjectiveNames() => ["neuron", "channel", "direction", "cosine", "-diversity", "-L1", "-L2", "-TV", "-blur", "alignment", "interpolate"];

    static Objective Build(string name) => name switch
    {
        // Before the block's ReLU: layer3:17 at the centre is 0 (dead) on the grey start, and how soon it comes
        // alive would depend on the CPU's rounding; the pre-ReLU sum always has a gradient.
        "neuron" => Objectives.Neuron("layer3.1.add:17"),
        "channel" => Objectives.Channel("layer2.1:5"),
        "direction" => Objectives.Direction("layer3", Enumerable.Range(0, 256).Select(i => i % 7 == 0 ? 1f : 0f).ToArray(), cossimPow: 1),
        "cosine" => Objectives.DirectionCosine("layer4", Enumerable.Range(0, 512).Select(i => (float)Math.Sin(i)).ToArray()),
        "-diversity" => -Objectives.Diversity("layer2"),
        "-L1" => -Objectives.L1(constant: 0.5),
        "-L2" => -Objectives.L2(constant: 0.5),
        "-TV" => -Objectives.TotalVariation(),
        "-blur" => -Objectives.Blur(),
        "alignment" => Objectives.Alignment("layer2"),
        "interpolate" => Objectives.Interpolate(Objectives.Channel("layer3:1"), Objectives.Channel("layer3:2")),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(ObjectiveNames))]
    public void Each_objective_increases_over_a_few_steps_on_the_real_model(string name)
    {
        var objective = Build(name);
        int batch = name is "-diversity" or "alignment" or "interpolate" ? 3 : 1;
        var options = Quick(12, batch) with { Transforms = TransformStack.None };
        // A penalty is already near its optimum on the smooth grey start of a Fourier image; start it
        // from noise instead, where there is something to remove.
        if (name is "-L1" or "-L2" or "-TV" or "-blur" or "alignment")
            options = options with { Parameterization = new PixelSpec(Decorrelate: false, Sd: 1) };
        using var result = Renderer.Render(fixture.Model, objective, options);
        output.WriteLine($"{objective}: {result.History[0]:G5} → {result.History[^1]:G5}");
        Assert.True(result.History[^1] > result.History[0], $"{objective} went from {result.History[0]} to {result.History[^1]}");
    }

    [Fact]
    public void A_cppn_parameterization_also_raises_the_objective()
    {
        using var result = Renderer.Render(fixture.Model, Objectives.Channel("layer3:17"), Quick(12) with
        {
            LearningRate = 0.005, // Lucid's rate for CPPNs
            Parameterization = new CppnSpec(),
        });
        output.WriteLine($"cppn: {result.History[0]:G5} → {result.History[^1]:G5}");
        Assert.True(result.History[^1] > result.History[0]);
    }

    [Fact]
    public void The_same_seed_gives_a_bitwise_identical_image_and_another_seed_does_not()
    {
        using var a = Renderer.Render(fixture.Model, Objectives.Channel("layer3:7"), Quick(20));
        using var b = Renderer.Render(fixture.Model, Objectives.Channel("layer3:7"), Quick(20));
        using var c = Renderer.Render(fixture.Model, Objectives.Channel("layer3:7"), Quick(20, seed: 1));
        Assert.Equal(0f, (a.Images - b.Images).abs().max().item<float>());
        Assert.Equal(a.History, b.History);
        Assert.True((a.Images - c.Images).abs().max().item<float>() > 1e-3f);
    }

    [Fact]
    public void Channels_last_feeds_the_model_nhwc_images_and_renders_what_nchw_renders_up_to_float32_rounding()
    {
        var model = fixture.Model;
        var layouts = new List<bool>();
        using (model.Hook("conv1", t => { layouts.Add(Interp.Images.ImageTensors.IsChannelsLast(t)); return null; }))
        {
            using var nchw = Renderer.Render(model, Objectives.Channel("layer2:5"), Quick(12));
            Assert.All(layouts, l => Assert.False(l));
            layouts.Clear();
            using var nhwc = Renderer.Render(model, Objectives.Channel("layer2:5"), Quick(12) with { ChannelsLast = true });
            Assert.Equal(12, layouts.Count);
            Assert.All(layouts, l => Assert.True(l, "the first convolution should produce a channels-last activation"));
            Assert.False(nchw.Provenance.Spec.ChannelsLast);
            Assert.True(nhwc.Provenance.Spec.ChannelsLast);
            Assert.Contains("\"ChannelsLast\": true", nhwc.Provenance.ToJson());
            double diff = (nchw.Images - nhwc.Images).abs().max().item<float>();
            output.WriteLine($"largest pixel difference after 12 steps: {diff:G3}; objective {nchw.History[^1]:G6} vs {nhwc.History[^1]:G6}");
            Assert.True(diff < 1e-3, $"largest pixel difference {diff}");
            Assert.Equal(nchw.History[^1], nhwc.History[^1], 1e-3 * Math.Abs(nchw.History[^1]));
        }
        Assert.NotEqual(RenderCache.Key(model, "channel", Interp.Units.Unit.Parse("layer2:5"), Quick(12)),
                        RenderCache.Key(model, "channel", Interp.Units.Unit.Parse("layer2:5"), Quick(12) with { ChannelsLast = true }));
        using var x = rand([2, 3, 5, 7]);
        using var cl = Interp.Images.ImageTensors.ChannelsLast(x);
        Assert.True(Interp.Images.ImageTensors.IsChannelsLast(cl));
        Assert.False(Interp.Images.ImageTensors.IsChannelsLast(x));
        Assert.Equal(0f, (cl - x).abs().max().item<float>());
        Assert.Contains("[N, C, H, W]", Assert.Throws<ArgumentException>(() => Interp.Images.ImageTensors.ChannelsLast(x[0])).Message);
    }

    [Fact]
    public void Native_tensors_do_not_accumulate_over_hundreds_of_steps()
    {
        var counts = new Dictionary<int, long>();
        // Step 299, not 300: the final snapshot (one more tensor, kept on purpose) is taken at step 300.
        // The count is process-wide and the finalizer also disposes tensors, which would hide a leak:
        // collect once, then render inside a no-GC region so that only explicit disposal lowers the count.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        bool noGc = GC.TryStartNoGCRegion(200_000_000);
        bool heldAtEnd = false;
        var progress = new SynchronousProgress<RenderProgress>(p =>
        {
            if (p.Step is 50 or 299) counts[p.Step] = Tensor.TotalCount;
            if (p.Step == 299) heldAtEnd = System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion;
        });
        using var result = Renderer.Render(fixture.Model, Objectives.Channel("layer2:3"),
            Quick(300) with { Size = 32, Transforms = TransformStack.Standard }, new RenderControl { Progress = progress });
        if (System.Runtime.GCSettings.LatencyMode == System.Runtime.GCLatencyMode.NoGCRegion) GC.EndNoGCRegion();
        output.WriteLine($"live tensors at step 50: {counts[50]}, at step 299: {counts[299]} (no-GC region held: {noGc && heldAtEnd})");
        Assert.True(noGc && heldAtEnd, "the no-GC region did not hold for the whole render, so finalizers may have hidden a leak");
        Assert.Equal(counts[50], counts[299]);
    }

    [Fact]
    public void Snapshots_are_kept_at_thresholds_and_provenance_is_saved_beside_the_image()
    {
        using var result = Renderer.Render(fixture.Model, Objectives.Channel("layer3:7") - 0.01 * Objectives.TotalVariation(),
            Quick(6), new RenderControl { Thresholds = [2, 4] });
        Assert.Equal([2, 4, 6], result.Snapshots.Keys.Order());
        var dir = TestPaths.Temp("render");
        var path = Path.Combine(dir, "unit.png");
        result.Save(path);
        Assert.True(File.Exists(path));
        var json = File.ReadAllText(path + ".json");
        Assert.Contains("\"Objective\": \"channel(layer3:7) − 0.01·TV(input)\"", json);
        Assert.Contains("\"Seed\": 0", json);
        Assert.Contains("\"Model\": \"resnet18\"", json);
        Assert.Contains("fourier(64×64", json);
        var back = Objective.FromJson(result.Provenance.ObjectiveJson);
        Assert.Equal(result.Provenance.Objective, back.Description);
    }

    [Fact]
    public void A_render_computes_no_weight_gradients_and_leaves_the_weights_trainable()
    {
        using var result = Renderer.Render(fixture.Model, Objectives.Channel("layer3:7"), Quick(3));
        var parameters = fixture.Model.Module.parameters().ToList();
        Assert.All(parameters, p => Assert.True(p.grad is null, "a render must not accumulate weight gradients"));
        Assert.All(parameters, p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void Bad_settings_are_reported_before_any_work()
    {
        Assert.Contains("Unknown layer 'layer5'", Assert.Throws<ArgumentException>(() => Renderer.Render(fixture.Model, Objectives.Channel("layer5:1"), Quick(2))).Message);
        Assert.Contains("outside the render's steps, 1..2", Assert.Throws<ArgumentOutOfRangeException>(() => Renderer.Render(fixture.Model, Objectives.Channel("layer3:1"),
            Quick(2), new RenderControl { Thresholds = [3] })).Message);
        Assert.Contains("BFloat16", Assert.Throws<ArgumentException>(() => Renderer.Render(fixture.Model, Objectives.Channel("layer3:1"),
            Quick(2) with { Precision = Precision.BFloat16 })).Message);
    }

    [Fact]
    public void Cancellation_stops_between_steps()
    {
        using var cts = new CancellationTokenSource();
        var progress = new SynchronousProgress<RenderProgress>(p => { if (p.Step == 3) cts.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => Renderer.Render(fixture.Model, Objectives.Channel("layer3:1"), Quick(50), new RenderControl { Progress = progress,
            Cancellation = cts.Token }));
        Assert.Equal(0, fixture.Model.ActiveHookCount);
    }
}
