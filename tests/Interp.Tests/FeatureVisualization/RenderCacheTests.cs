using Interp.FeatureVisualization.Rendering;
using Interp.FeatureVisualization.Transforms;
using Interp.Tests.Circuits;
using static TorchSharp.torch;

namespace Interp.Tests.FeatureVisualization;

public sealed class RenderCacheTests : IDisposable
{
    readonly string _root = Path.Combine(Path.GetTempPath(), $"interp-render-cache-{Guid.NewGuid():N}");

    static RenderSpec Options(long seed = 0) => new() { Steps = 4, Size = 16, Seed = seed, Transforms = new TransformStack([new Jitter(1)]) };

    [Fact]
    public void A_render_is_made_once_then_read_from_disk_and_any_option_that_changes_the_image_makes_a_new_one()
    {
        using var model = TinyNets.Model(seed: 31);
        var cache = new RenderCache(_root);
        var first = cache.Channels(model, "relu2", [0, 1], Options());
        Assert.Equal(2, cache.LastRendered);
        Assert.Equal(2, Directory.GetFiles(_root, "*.png").Length);
        Assert.Equal(2, Directory.GetFiles(_root, "*.png.json").Length);
        var again = cache.Channels(model, "relu2", [1, 0], Options());
        Assert.Equal(0, cache.LastRendered);
        Assert.True(again[0].SameAs(first[1]) && again[1].SameAs(first[0]));
        Assert.Equal([3L, 16, 16], again[0].shape);

        // The cached image is the render itself (to 8 bits).
        using (var direct = Renderer.Render(model, Interp.FeatureVisualization.Objectives.Objectives.Channel("relu2:1"), Options()))
            Assert.True((direct.Images[0] - first[1]).abs().max().item<float>() <= 0.5f / 255 + 1e-6f);

        cache.Channels(model, "relu2", [0], Options(seed: 1));
        Assert.Equal(1, cache.LastRendered);
        Assert.Contains("channels 0..1", Assert.Throws<ArgumentOutOfRangeException>(() => cache.Channels(model, "relu2", [2], Options())).Message);
        Assert.Contains("Batch = 1", Assert.Throws<ArgumentException>(() => cache.Channels(model, "relu2", [0], Options() with { Batch = 2 })).Message);
        Assert.Contains("relu2", Assert.Throws<ArgumentException>(() => cache.Channels(model, "relu3", [0], Options())).Message);
        Assert.Empty(Directory.GetFiles(_root, "*.tmp*"));
        foreach (var t in first.Concat(again)) t.Dispose();
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}
