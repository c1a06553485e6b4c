using Interp.Tests.Models;
using static TorchSharp.torch;

namespace Interp.Tests.Hooks;

[Collection("resnet18")]
public class ResNetHookTests(ResNet18Fixture fixture)
{
    [Fact]
    public void Every_listed_layer_fires_exactly_once_per_forward()
    {
        var model = fixture.Model;
        var fired = model.LayerNames.ToDictionary(n => n, _ => 0);
        var handles = model.LayerNames.Select(n => model.Hook(n, _ => { fired[n]++; return null; })).ToList();
        try
        {
            using var _ = no_grad();
            using var image = rand(1, 3, 64, 64);
            using var output = model.Forward(image);
        }
        finally { handles.ForEach(h => h.Dispose()); }
        Assert.Empty(fired.Where(kv => kv.Value != 1).Select(kv => $"{kv.Key} fired {kv.Value} times"));
        Assert.True(fired.Count > 60, $"expected every conv, bn, relu and block to be hookable; got {fired.Count} layers");
        Assert.Equal(0, model.ActiveHookCount);
    }

    [Fact]
    public void Activations_are_available_before_and_after_each_blocks_relu()
    {
        using var _ = no_grad();
        using var image = Interp.Datasets.SamplePhotos.Load("coffee", 224).unsqueeze(0);
        using var cache = fixture.Model.RunWithCache(image, "layer3.1.add", "layer3.1", "layer3.1.relu2", "layer3");
        var pre = cache["layer3.1.add"];
        var post = cache["layer3.1"];
        Assert.True(pre.min().item<float>() < 0, "the pre-ReLU sum should have negative values");
        Assert.Equal(0f, (post - pre.relu()).abs().max().item<float>());
        Assert.Equal(0f, (post - cache["layer3.1.relu2"]).abs().max().item<float>());
        Assert.Equal(0f, (post - cache["layer3"]).abs().max().item<float>());
    }

    [Theory]
    [InlineData(60)]
    [InlineData(97)]
    [InlineData(131)]
    public void Any_input_size_runs_and_every_stage_has_ceil_size_over_stride(int size)
    {
        var shapes = fixture.Model.Layers(size).ToDictionary(l => l.Name, l => l.Shape);
        long expected = size;
        foreach (var (layer, stride) in new[] { ("conv1", 2), ("maxpool", 2), ("layer1", 1), ("layer2", 2), ("layer3", 2), ("layer4", 2) })
        {
            expected = (expected + stride - 1) / stride;
            Assert.Equal(expected, shapes[layer][2]);
        }
    }

    [Fact]
    public void Layers_reports_shapes_for_other_input_sizes()
    {
        var shapes = fixture.Model.Layers(128).ToDictionary(l => l.Name, l => l.Shape);
        Assert.Equal([1L, 256, 8, 8], shapes["layer3"]);
        var e = Assert.Throws<ArgumentException>(() => fixture.Model.Layer("layer3.1.conv3"));
        Assert.Contains("layer3.1.conv2", e.Message);
    }
}
