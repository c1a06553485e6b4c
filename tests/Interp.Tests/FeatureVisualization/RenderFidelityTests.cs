using Interp.FeatureVisualization.Objectives;
using Interp.FeatureVisualization.Parameterizations;
using Interp.FeatureVisualization.Rendering;
using Interp.FeatureVisualization.Transforms;
using Interp.Hooks;
using Interp.Tests.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Tests.FeatureVisualization;

/// <summary>What the render loop does each step, observed through the model's own hooks.</summary>
[Collection("resnet18")]
public class RenderFidelityTests(ResNet18Fixture fixture, ITestOutputHelper output)
{
    static RenderSpec Small(int steps) => new() { Steps = steps, Size = 64, Seed = 0, Transforms = new TransformStack([new Jitter(4)]) };

    [Fact]
    public void Stopping_at_the_deepest_layer_gives_the_same_render_bit_for_bit_and_skips_later_layers()
    {
        var model = fixture.Model;
        var objective = Objectives.Channel("layer2:3") - 0.5 * Objectives.Diversity("layer1");
        var calls = new Dictionary<string, int> { ["layer2"] = 0, ["layer3"] = 0, ["layer4"] = 0 };
        RenderResult early, full;
        using (model.Hook("layer2", _ => { calls["layer2"]++; return null; }))
        using (model.Hook("layer3", _ => { calls["layer3"]++; return null; }))
        using (model.Hook("layer4", _ => { calls["layer4"]++; return null; }))
        {
            early = Renderer.Render(model, objective, Small(4) with { Batch = 2 });
            Assert.Equal(4, calls["layer2"]);
            Assert.Equal(0, calls["layer3"]);
            Assert.Equal(0, calls["layer4"]);
            full = Renderer.Render(model, objective, Small(4) with { Batch = 2 }, new RenderControl { StopAtDeepestLayer = false });
            Assert.Equal(4, calls["layer4"]);
        }
        using (early)
        using (full)
        {
            Assert.Equal(early.History, full.History);
            Assert.Equal(0f, (early.Images - full.Images).abs().max().item<float>());
        }
        // Score stops early too and gives what a full forward pass gives.
        using var images = rand([2, 3, 64, 64], generator: new Generator().manual_seed(1));
        using var score = Renderer.Score(model, objective, images);
        using var cache = model.RunWithCache(images, ["layer1", "layer2"]);
        using var expected = objective.Evaluate(ObjectiveContext.FromCache(cache, images));
        Assert.Equal(0f, (score - expected).abs().max().item<float>());
    }

    [Fact]
    public void An_objective_of_the_image_alone_does_not_run_the_model()
    {
        int calls = 0;
        using (fixture.Model.Hook("conv1", _ => { calls++; return null; }))
        using (var result = Renderer.Render(fixture.Model, -Objectives.L1(constant: 0.5) - Objectives.TotalVariation(),
                   Small(3) with { Parameterization = new PixelSpec(Decorrelate: false, Sd: 1) }))
            Assert.True(result.History[^1] > result.History[0]);
        Assert.Equal(0, calls);
    }

    [Fact]
    public void By_default_the_model_sees_the_random_scale_and_lucents_resize_cancels_it()
    {
        // conv1 halves the side, so its output size tells the size of the model's input at every step.
        IReadOnlyList<long> Sides(ModelInputResize resize)
        {
            var sides = new List<long>();
            using (fixture.Model.Hook("conv1", t => { sides.Add(t.shape[2]); return null; }))
            using (Renderer.Render(fixture.Model, Objectives.Channel("layer1:3"), new RenderSpec { Steps = 24, Size = 64, Seed = 0, InputResize = resize })) { }
            return sides;
        }
        var lucid = Sides(ModelInputResize.None);
        var before = Sides(ModelInputResize.BeforeTransforms);
        var lucent = Sides(ModelInputResize.AfterTransformsLucent);
        output.WriteLine($"conv1 sides: Lucid {string.Join(",", lucid)}; before {string.Join(",", before)}; Lucent {string.Join(",", lucent)}");
        // Lucid: 64 + 24 − 8 = 80, scaled 0.9–1.1 (72–88), − 4 → 68–84 px, so conv1 sides 34–42.
        Assert.True(lucid.Distinct().Count() >= 4, "the random scale should change the input size from step to step");
        Assert.All(lucid, s => Assert.InRange(s, 34, 42));
        // Resized first: 224 + 24 − 8 = 240 → 216–264 → 212–260 px, conv1 106–130.
        Assert.True(before.Distinct().Count() >= 4);
        Assert.All(before, s => Assert.InRange(s, 106, 130));
        // Lucent: every step upsampled back to 224, whatever the scale drawn.
        Assert.All(lucent, s => Assert.Equal(112, s));
    }

    [Fact]
    public void Relu_redirection_hooks_are_live_for_lucids_17_steps_and_gone_after_any_ending()
    {
        var model = fixture.Model;
        int relus = model.LayersOfType<ReLU>().Count;
        Assert.True(relus > 0);
        var active = new List<int>();
        using (Renderer.Render(model, Objectives.Channel("layer2:3"), Small(20), new RenderControl { Progress = new SynchronousProgress<RenderProgress>(_
            => active.Add(model.ActiveHookCount)) })) { }
        Assert.Equal(Enumerable.Repeat(relus, 17).Concat(Enumerable.Repeat(0, 3)), active);
        Assert.Equal(0, model.ActiveHookCount);

        // Cancelled during redirection.
        using var cts = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => Renderer.Render(model, Objectives.Channel("layer2:3"),
            Small(20), new RenderControl { Progress = new SynchronousProgress<RenderProgress>(p => { if (p.Step == 2) cts.Cancel(); }), Cancellation = cts.Token }));
        Assert.Equal(0, model.ActiveHookCount);

        // Failing during redirection: the objective overflows to infinity at step 1.
        var e = Assert.Throws<InvalidOperationException>(() => Renderer.Render(model, Objectives.Channel("layer2:3") + 1e38 * Objectives.L1(), Small(20)));
        Assert.Contains("became infinite at step 1 of 20", e.Message);
        Assert.Equal(0, model.ActiveHookCount);
    }

    /// <summary>conv (weights −1, so every output is negative on a positive image) → ReLU → mean.</summary>
    sealed class NegativeNet : TorchSharp.torch.nn.Module<Tensor, Tensor>
    {
        readonly Conv2d conv = nn.Conv2d(3, 1, 1, bias: false);
        readonly ReLU relu = nn.ReLU();

        public NegativeNet() : base("negative")
        {
            RegisterComponents();
            using var _ = no_grad();
            conv.weight!.fill_(-1);
        }

        public override Tensor forward(Tensor x) => relu.call(conv.call(x)).mean([1, 2, 3]);
    }

    [Fact]
    public void A_blocked_relu_passes_gradient_only_while_redirected()
    {
        using var model = new HookedModel("negative", new NegativeNet(), new InputConvention(8, "identity"));
        RenderSpec Options(int redirect) => new()
        {
            Steps = 1, Size = 8, Seed = 0, Transforms = TransformStack.None, RedirectReluSteps = redirect,
            Parameterization = new PixelSpec(Decorrelate: false),
        };
        using var blocked = Renderer.Render(model, Objectives.Channel("relu:0"), Options(0));
        using var redirected = Renderer.Render(model, Objectives.Channel("relu:0"), Options(1));
        using var initial = new PixelImage(1, 8, 8, new Generator().manual_seed(0), decorrelate: false);
        using var start = initial.Image();
        // Without redirection every ReLU gradient is 0, so Adam does not move the image at all.
        Assert.Equal(0f, (blocked.Images - start).abs().max().item<float>());
        // With it, the gradient that would raise the negative inputs gets through (the conv output rises
        // when the image darkens), so the image moves, and darker.
        Assert.True((redirected.Images - start).abs().max().item<float>() > 1e-3f);
        Assert.True((redirected.Images - start).mean().item<float>() < 0);
    }

    [Fact]
    public void Bad_numbers_fail_with_the_step_and_the_likely_cause()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Renderer.Render(fixture.Model, Objectives.Channel("layer2:3"), Small(3) with { LearningRate = double.NaN }));
        Assert.Contains("LearningRate must be a positive, finite number", e.Message);
        var nan = Assert.Throws<InvalidOperationException>(() => Renderer.Render(fixture.Model, Objectives.Channel("layer2:3") - Objectives.L2(constant: double.NaN), Small(5)));
        output.WriteLine(nan.Message);
        Assert.Contains("became NaN at step 1 of 5", nan.Message);
        Assert.Contains("learning rate", nan.Message);
    }
}
