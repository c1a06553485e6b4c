using System.Reflection;
using Interp.FeatureVisualization.Objectives;
using Interp.FeatureVisualization.Parameterizations;
using Interp.FeatureVisualization.Rendering;
using Interp.FeatureVisualization.Transforms;
using Interp.Tests.Circuits;
using Interp.Units;
using TorchSharp;
using static TorchSharp.torch;

namespace Interp.Tests.FeatureVisualization;

public sealed class RenderSessionTests : IDisposable
{
    readonly string _root = Path.Combine(Path.GetTempPath(), $"interp-render-session-{Guid.NewGuid():N}");

    static RenderSpec Small(int steps = 5, int batch = 1) => new() { Steps = steps, Size = 16, Batch = batch, Seed = 3, Transforms = new TransformStack([new Jitter(1)]),
        RedirectReluSteps = 2 };

    /// <summary>A copy of <paramref name="spec"/> with <paramref name="property"/> set to another valid value; fails for a type it does not know.</summary>
    static RenderSpec Changed(RenderSpec spec, PropertyInfo property)
    {
        object? value = property.GetValue(spec);
        object other = value switch
        {
            int i => i + 1,
            long l => l + 1,
            double d => d * 2,
            bool b => !b,
            Enum e => Enum.GetValues(e.GetType()).Cast<object>().First(v => !v.Equals(e)),
            ParameterizationSpec => new PixelSpec(Decorrelate: false),
            ITransform => new TransformStack([new Jitter(2)]),
            _ => throw new InvalidOperationException($"RenderSpec.{property.Name} has a type ({property.PropertyType.Name}) this test cannot change yet: add a case, so that the " +
                "test shows the field reaches the provenance and the cache key."),
        };
        var copy = spec with { };
        property.SetValue(copy, other);   // init-only setters are ordinary setters to reflection
        return copy;
    }

    public static TheoryData<string> SpecProperties() => [.. typeof(RenderSpec).GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(SpecProperties))]
    public void Every_field_of_the_spec_reaches_the_provenance_and_the_cache_key(string name)
    {
        using var model = TinyNets.Model(seed: 5);
        var spec = Small();
        var changed = Changed(spec, typeof(RenderSpec).GetProperty(name)!);
        Assert.NotEqual(spec.ToJson(), changed.ToJson());
        var unit = Unit.Parse("relu2:0");
        Assert.NotEqual(RenderCache.Key(model, "channel", unit, spec), RenderCache.Key(model, "channel", unit, changed));
        var provenance = new RenderProvenance("o", "{}", spec, "p", "t", "m", "Float32", 1, "cpu", "v");
        Assert.NotEqual(provenance.ToJson(), (provenance with { Spec = changed }).ToJson());
        Assert.Contains($"\"{name}\":", provenance.ToJson());
    }

    [Fact]
    public void Transforms_that_act_differently_write_different_json_even_when_their_descriptions_agree()
    {
        // Both rotate over −10..10° with 22 choices; the second weights 0° more. Their descriptions are the same text.
        var a = new RandomRotate([.. Enumerable.Range(-10, 21).Select(d => (double)d), 5]);
        var b = new RandomRotate([.. Enumerable.Range(-10, 21).Select(d => (double)d), 0]);
        Assert.Equal(a.Description, b.Description);
        Assert.NotEqual((Small() with { Transforms = a }).ToJson(), (Small() with { Transforms = b }).ToJson());
        Assert.Contains("\"Kind\": \"Jitter\"", Small().ToJson());
        Assert.Contains("\"Kind\": \"fourier\"", Small().ToJson());
    }

    [Fact]
    public void A_session_stepped_by_hand_makes_the_renderers_image_bit_for_bit()
    {
        using var model = TinyNets.Model(seed: 5);
        var objective = Objectives.Channel("relu2:1");
        using var rendered = Renderer.Render(model, objective, Small(6), new RenderControl { Thresholds = [3] });
        using var session = new RenderSession(model, objective, Small(6));
        for (int i = 0; i < 3; i++) session.Step();
        using var third = session.Image();
        Assert.True(third.SameAs(rendered.Snapshots[3]));
        for (int i = 0; i < 3; i++) session.Step();
        using var last = session.Image();
        Assert.True(last.SameAs(rendered.Images));
        Assert.Equal(rendered.History, session.History);
        Assert.Equal(rendered.Provenance.ToJson(), session.Provenance().ToJson());
        var e = Assert.Throws<InvalidOperationException>(() => session.Step());
        Assert.Contains("all 6 steps", e.Message);
    }

    [Fact]
    public void A_session_removes_its_hooks_and_unfreezes_the_weights_when_disposed_also_after_a_step_threw()
    {
        using var model = TinyNets.Model(seed: 5);
        Assert.Equal(0, model.ActiveHookCount);
        var session = new RenderSession(model, Objectives.Channel("relu2:1") + 1e38 * Objectives.L1(), Small(4));
        Assert.True(model.ActiveHookCount > 0, "the ReLUs should be redirected during the first steps");
        Assert.All(model.Module.parameters(), p => Assert.False(p.requires_grad));
        Assert.Contains("became infinite at step 1 of 4", Assert.Throws<InvalidOperationException>(() => session.Step()).Message);
        session.Dispose();
        Assert.Equal(0, model.ActiveHookCount);
        Assert.All(model.Module.parameters(), p => Assert.True(p.requires_grad));
        Assert.Throws<ObjectDisposedException>(() => session.Step());
        session.Dispose();   // twice is harmless

        // A spec that fails after the hooks would be added leaves none either: the parameterization throws on the device check.
        var wrongDevice = Small() with { Parameterization = new CustomParameterizationSpec("meta", (n, h, w, g, _) => new PixelImage(n, h, w, g,
            device: new Device(DeviceType.META))) };
        Assert.Contains("made its parameters on meta", Assert.Throws<ArgumentException>(() => new RenderSession(model, Objectives.Channel("relu2:1"), wrongDevice)).Message);
        Assert.Equal(0, model.ActiveHookCount);
        Assert.All(model.Module.parameters(), p => Assert.True(p.requires_grad));
    }

    [Fact]
    public void The_redirection_hooks_come_off_after_the_specs_redirect_steps()
    {
        using var model = TinyNets.Model(seed: 5);
        using var session = new RenderSession(model, Objectives.Channel("relu2:1"), Small(4));
        var active = new List<int>();
        for (int i = 0; i < 4; i++) { session.Step(); active.Add(model.ActiveHookCount); }
        Assert.True(active[0] > 0 && active[1] == active[0]);
        Assert.Equal([0, 0], active.Skip(2));
    }

    [Fact]
    public void The_observer_sees_every_phase_of_every_step_in_order()
    {
        using var model = TinyNets.Model(seed: 5);
        using var session = new RenderSession(model, Objectives.Channel("relu2:1"), Small(2));
        var seen = new Recorder();
        session.Observer = seen;
        session.Step();
        session.Step();
        var one = new[] { "start" }.Concat(Enum.GetNames<RenderPhase>());
        Assert.Equal(one.Concat(one), seen.Events);
    }

    sealed class Recorder : IRenderStepObserver
    {
        public List<string> Events { get; } = [];
        public void StepStarting(int step) => Events.Add("start");
        public void PhaseEnded(RenderPhase phase) => Events.Add(phase.ToString());
    }

    [Theory]
    [InlineData(0, "Steps")]
    [InlineData(1, "LearningRate")]
    [InlineData(2, "Size")]
    [InlineData(3, "Batch")]
    [InlineData(4, "RedirectReluSteps")]
    public void A_bad_spec_names_the_field_and_what_is_valid(int which, string field)
    {
        var spec = which switch
        {
            0 => Small() with { Steps = 0 },
            1 => Small() with { LearningRate = double.PositiveInfinity },
            2 => Small() with { Size = 1 },
            3 => Small() with { Batch = 0 },
            _ => Small() with { RedirectReluSteps = -1 },
        };
        using var model = TinyNets.Model(seed: 5);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new RenderSession(model, Objectives.Channel("relu2:1"), spec));
        Assert.Equal(field, e.ParamName);
        Assert.Equal(0, model.ActiveHookCount);
    }

    [Fact]
    public void Different_units_in_one_batch_each_image_scores_its_own_unit_and_only_it_moves_its_image()
    {
        using var model = TinyNets.Model(seed: 5);
        var units = new[] { Unit.Parse("relu2:0"), Unit.Parse("relu2:1"), Unit.Parse("relu1:1") };
        var objective = Objectives.Channels(units);
        using var images = rand([3, 3, 16, 16], generator: new Generator().manual_seed(1));
        using var cache = model.RunWithCache(images, ["relu1", "relu2"]);
        // Image i, unit i's channel, averaged over positions, computed by hand from the cached activations.
        var expected = Enumerable.Range(0, 3).Select(i => cache[units[i].Layer][i, units[i].Channel!.Value].mean().item<float>()).ToArray();
        using var values = objective.Evaluate(ObjectiveContext.FromCache(cache, images));
        Assert.Equal(expected, values.data<float>().ToArray(), (a, b) => Math.Abs(a - b) <= 1e-6f);
        using var total = objective.Total(ObjectiveContext.FromCache(cache, images));
        Assert.Equal(expected.Sum(), total.item<float>(), 1e-5f);
        Assert.Contains("batch 2", objective.Description);
        Assert.Equal(objective.Description, Objective.FromJson(objective.ToJson()).Description);
        Assert.Contains("at least one unit", Assert.Throws<ArgumentException>(() => Objectives.Channels([])).Message);

        // Image 1's gradient comes from unit 1 alone: changing unit 0 leaves it as it was.
        Tensor GradientOfImage1(Objective o)
        {
            var x = images.detach().clone().requires_grad_(true);
            using var c = model.RunWithCache(x, ["relu1", "relu2"], detach: false);
            o.Total(ObjectiveContext.FromCache(c, x)).backward();
            return x.grad![1].clone();
        }
        using var g1 = GradientOfImage1(objective);
        using var g2 = GradientOfImage1(Objectives.Channels([Unit.Parse("relu1:0"), units[1], units[2]]));
        Assert.True(g1.SameAs(g2));
        Assert.True(g1.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Cached_units_rendered_together_come_in_fixed_groups_so_a_units_image_does_not_depend_on_the_request()
    {
        using var model = TinyNets.Model(seed: 5);
        var cache = new RenderCache(_root);
        var spec = Small(3);
        var one = cache.Channels(model, "relu2", [1], spec, unitsPerRender: 2);
        Assert.Equal(2, cache.LastRendered);   // channel 1 is rendered with channel 0, its group
        var both = cache.Channels(model, "relu2", [0, 1], spec, unitsPerRender: 2);
        Assert.Equal(0, cache.LastRendered);
        Assert.True(both[1].SameAs(one[0]));
        // The group's render is Objectives.Channels over it, image i for channel i of the group.
        using (var direct = Renderer.Render(model, Objectives.Channels([Unit.Parse("relu2:0"), Unit.Parse("relu2:1")]), spec with { Batch = 2 }))
            Assert.True((direct.Images[1] - one[0]).abs().max().item<float>() <= 0.5f / 255 + 1e-6f);
        Assert.NotEqual(RenderCache.Key(model, "channel", Unit.Parse("relu2:0"), spec), RenderCache.Key(model, "channel", Unit.Parse("relu2:0"), spec, 2));
        Assert.Contains("unitsPerRender", Assert.Throws<ArgumentOutOfRangeException>(() => cache.Channels(model, "relu2", [0], spec, 0)).Message);
        var custom = spec with { Parameterization = new CustomParameterizationSpec("mine", (n, h, w, g, d) => new PixelImage(n, h, w, g, device: d)) };
        Assert.Contains("'mine' is a custom factory", Assert.Throws<ArgumentException>(() => cache.Channels(model, "relu2", [0], custom)).Message);
        foreach (var t in one.Concat(both)) t.Dispose();
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
