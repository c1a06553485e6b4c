using Interp.Hooks;
using static TorchSharp.torch;

namespace Interp.Tests.Hooks;

public class HookedModelTests
{
    static HookedModel Tiny() => new("tiny", new TinyNet(), new InputConvention(2, "identity"));

    // A 2×2 image: pixel (y,x) has r = y+x, g = 1, b = 2·x  (values need not be in [0,1] for this test).
    static Tensor Image()
    {
        var data = new float[3 * 4];
        for (int y = 0; y < 2; y++)
            for (int x = 0; x < 2; x++)
            {
                data[0 * 4 + y * 2 + x] = y + x;
                data[1 * 4 + y * 2 + x] = 1;
                data[2 * 4 + y * 2 + x] = 2 * x;
            }
        return tensor(data, [1, 3, 2, 2]);
    }

    [Fact]
    public void RunWithCache_returns_exact_activations_of_a_hand_built_model()
    {
        using var model = Tiny();
        using var image = Image();
        using var cache = model.RunWithCache(image, "conv", "relu", "head");
        // conv channel 0 = r+g+b = (y+x) + 1 + 2x; channel 1 = r-b = y - x.
        Assert.Equal(new float[] { 1, 4, 2, 5, 0, -1, 1, 0 }, cache["conv"].data<float>().ToArray());
        Assert.Equal(new float[] { 1, 4, 2, 5, 0, 0, 1, 0 }, cache["relu"].data<float>().ToArray());
        // head = mean(ch0) + mean(ch1 after relu) = 3 + 0.25
        Assert.Equal(3.25f, cache["head"].item<float>());
        Assert.Equal(3.25f, cache.Output.item<float>());
        Assert.Equal(0, model.ActiveHookCount);
    }

    [Fact]
    public void A_unit_selects_a_channel_or_a_position()
    {
        using var model = Tiny();
        using var image = Image();
        using var cache = model.RunWithCache(image, "conv");
        Assert.Equal(new float[] { 0, -1, 1, 0 }, cache[Interp.Units.Unit.Parse("conv:1")].data<float>().ToArray());
        Assert.Equal(5f, cache[Interp.Units.Unit.Parse("conv:0@1,1")].item<float>());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => cache[Interp.Units.Unit.Parse("conv:2")]);
        Assert.Contains("0..1", e.Message);
    }

    [Fact]
    public void An_editing_hook_replaces_the_activation_downstream()
    {
        using var model = Tiny();
        using var image = Image();
        using (model.Hook("relu", t => zeros_like(t)))
        using (var edited = model.Forward(image))
            Assert.Equal(0f, edited.item<float>());
        using var restored = model.Forward(image);
        Assert.Equal(3.25f, restored.item<float>());
    }

    [Fact]
    public void Hooks_are_removed_when_the_forward_pass_throws()
    {
        using var model = Tiny();
        using var image = Image();
        int calls = 0;
        var ex = Assert.Throws<InvalidOperationException>(() =>
        {
            using var counting = model.Hook("conv", _ => { calls++; return null; });
            using var failing = model.Hook("relu", _ => throw new InvalidOperationException("boom"));
            model.Forward(image);
        });
        Assert.Equal("boom", ex.Message);
        Assert.Equal(1, calls);
        Assert.Equal(0, model.ActiveHookCount);
        using var after = model.Forward(image);
        Assert.Equal(1, calls);
        Assert.Equal(3.25f, after.item<float>());
    }

    [Fact]
    public void RunWithCache_removes_its_hooks_when_the_forward_pass_throws()
    {
        using var model = Tiny();
        using var image = Image();
        using (model.Hook("head", _ => throw new InvalidOperationException("late failure")))
        {
            Assert.Throws<InvalidOperationException>(() => model.RunWithCache(image, "conv", "relu"));
            Assert.Equal(1, model.ActiveHookCount); // only the caller's own hook is left
        }
        Assert.Equal(0, model.ActiveHookCount);
    }

    [Fact]
    public void Disposing_a_hook_twice_is_harmless()
    {
        using var model = Tiny();
        var h = model.Hook("conv", _ => null);
        h.Dispose();
        h.Dispose();
        Assert.False(h.IsActive);
        Assert.Equal(0, model.ActiveHookCount);
    }

    [Fact]
    public void An_unknown_layer_lists_the_nearest_valid_names()
    {
        using var model = Tiny();
        var e = Assert.Throws<ArgumentException>(() => model.Hook("cnov", _ => null));
        Assert.Contains("Unknown layer 'cnov'", e.Message);
        Assert.Contains("'conv'", e.Message);
        Assert.Contains("head", e.Message);
    }

    [Fact]
    public void A_wrong_input_shape_gets_a_clear_error()
    {
        using var model = Tiny();
        using var flat = zeros(3, 2, 2);
        var e = Assert.Throws<ArgumentException>(() => model.Forward(flat));
        Assert.Contains("[N,3,H,W]", e.Message);
        Assert.Contains("unsqueeze(0)", e.Message);
    }

    [Fact]
    public void Stopping_early_gives_the_same_activations_and_runs_no_later_layer()
    {
        using var model = Tiny();
        using var image = Image();
        int headCalls = 0;
        using (model.Hook("head", _ => { headCalls++; return null; }))
        {
            using var cache = model.RunWithCache(image, ["conv", "relu"], stopEarly: true);
            Assert.Equal(new float[] { 1, 4, 2, 5, 0, 0, 1, 0 }, cache["relu"].data<float>().ToArray());
            Assert.Equal(new float[] { 1, 4, 2, 5, 0, -1, 1, 0 }, cache["conv"].data<float>().ToArray());
            Assert.Equal(0, headCalls);
            Assert.Equal("relu", cache.StoppedAfter);
            var e = Assert.Throws<InvalidOperationException>(() => cache.Output);
            Assert.Contains("stopped after 'relu'", e.Message);
            Assert.Contains("stopEarly: false", e.Message);
            Assert.Equal(1, model.ActiveHookCount); // only the counting hook is left
            using var full = model.RunWithCache(image, ["relu"]);
            Assert.Equal(1, headCalls);
            Assert.Null(full.StoppedAfter);
            Assert.Equal(3.25f, full.Output.item<float>());
        }
        // The model still runs normally afterwards.
        using var after = model.Forward(image);
        Assert.Equal(3.25f, after.item<float>());
    }

    [Fact]
    public void An_image_in_0_to_255_is_warned_about_once()
    {
        using var model = Tiny();
        var given = new List<string>();
        var sink = Interp.Runtime.Warnings.Sink;
        Interp.Runtime.Warnings.Reset();
        Interp.Runtime.Warnings.Sink = given.Add;
        try
        {
            using var unit = full([1, 3, 2, 2], 0.9f);
            using var bytes = full([1, 3, 2, 2], 200f);
            using (model.Forward(unit)) { }
            Assert.Empty(given);
            using (model.Forward(bytes)) { }
            using (model.Forward(bytes)) { }
            var w = Assert.Single(given);
            Assert.Contains("values up to 200", w);
            Assert.Contains("Divide it by 255", w);
        }
        finally
        {
            Interp.Runtime.Warnings.Sink = sink;
        }
    }
}
