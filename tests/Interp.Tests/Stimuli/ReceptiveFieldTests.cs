using Interp.Zoo;
using Interp.Stimuli;
using Interp.Tests.Models;
using Interp.Units;
using Interp.Models;
using static TorchSharp.torch;

namespace Interp.Tests.Stimuli;

/// <summary>Receptive fields from the architecture, against hand arithmetic and against the trained networks' gradients.</summary>
[Collection("resnet18")]
public class ReceptiveFieldTests(ResNet18Fixture fixture, ITestOutputHelper output)
{
    /// <summary>The channel of <paramref name="layer"/> most active at the map's centre on a random image, so that its gradient is not zero.</summary>
    internal static Unit ActiveUnit(Interp.Hooks.HookedModel model, string layer)
    {
        using var _ = no_grad();
        using var image = rand([1, 3, 224, 224], generator: new Generator().manual_seed(0));
        using var cache = model.RunWithCache(image, [layer], stopEarly: true);
        var act = cache[layer];
        long c = act[0, .., act.shape[2] / 2, act.shape[3] / 2].argmax().item<long>();
        return Unit.Parse($"{layer}:{c}");
    }

    [Theory]
    // ResNet-18: conv1 7×7 stride 2 → 7 px; max pool 3×3 stride 2 → 7 + 2·2 = 11; layer1's four 3×3 convs at jump 4 → 11 + 4·2·4 = 43;
    // layer2 (first conv strided, jump 8 after it): 43 + 2·4 + 3·2·8 = 99.
    [InlineData("conv1", 7)]
    [InlineData("maxpool", 11)]
    [InlineData("layer1", 43)]
    [InlineData("layer2", 99)]
    public void Resnet18_fields_equal_the_arithmetic_and_the_gradients(string layer, int expected)
    {
        var model = fixture.Model;
        var unit = ActiveUnit(model, layer);
        var weights = model.Module.parameters().Select(p => p.detach().clone()).ToList();
        var fromArchitecture = ReceptiveFields.ProbeArchitecture(model, unit);   // the probe itself, never a remembered answer
        var fromGradients = ReceptiveFields.FromGradients(model, unit, samples: 32);
        output.WriteLine($"architecture: {fromArchitecture}\ngradients:    {fromGradients}");
        Assert.False(fromArchitecture.Clipped);
        Assert.Equal(expected, fromArchitecture.Height);
        Assert.Equal(expected, fromArchitecture.Width);
        Assert.Equal(fromArchitecture, fromGradients);
        // The model is left exactly as it was.
        Assert.All(model.Module.parameters().Zip(weights), p => Assert.True(p.First.eq(p.Second).all().item<bool>()));
        Assert.Equal(ScalarType.Float32, model.Dtype);
        Assert.Equal(0, model.ActiveHookCount);
    }

    [Fact]
    public void A_model_probes_a_field_once_and_remembers_it()
    {
        var model = fixture.Model;
        var unit = Unit.Parse("layer1:5@9,4");
        int forwards = 0;
        ReceptiveField first;
        using (model.Hook("conv1", _ => { forwards++; return null; }))
        {
            first = ReceptiveFields.FromArchitecture(model, unit);
            Assert.True(forwards > 0);
            forwards = 0;
            Assert.Equal(first, ReceptiveFields.FromArchitecture(model, unit));
            Assert.Equal(0, forwards);                                               // remembered: no forward pass
            Assert.Equal(first, ReceptiveFields.ProbeArchitecture(model, unit));     // and the same as probing again
            Assert.True(forwards > 0);
        }
        Assert.Equal(0, model.ActiveHookCount);
    }

    [Fact]
    public void A_layers_geometry_gives_every_positions_field_and_the_crops_of_dataset_examples()
    {
        var geometry = ReceptiveFields.Geometry(fixture.Model, "layer2");
        output.WriteLine(geometry.ToString());
        Assert.Equal(99, geometry.Size);
        Assert.Equal(8, geometry.Jump);
        Assert.Equal(ReceptiveFields.FromArchitecture(fixture.Model, Unit.Parse("layer2:0@10,17")), geometry.At(10, 17));
        Assert.Equal(ReceptiveFields.FromArchitecture(fixture.Model, Unit.Parse("layer2:0@0,27")), geometry.At(0, 27));   // clipped at two edges
        using var photo = Interp.Datasets.SamplePhotos.Load("chelsea", 224);
        var source = new Interp.Datasets.MemoryImages("one photo", [photo]);
        var crops = Interp.Datasets.DatasetExamples.Crops(source, [new Interp.Datasets.DatasetExample(0, "0", 10, 17, 1f), new Interp.Datasets.DatasetExample(0, "0", 0, 27, 1f)],
            geometry, 224);
        Assert.Equal([3L, 99, 99], crops[0].shape);
        var corner = geometry.At(0, 27);
        Assert.Equal([3L, corner.Height, corner.Width], crops[1].shape);
        var f = geometry.At(10, 17);
        Assert.Equal(0f, (crops[0] - photo[.., f.Top..(f.Bottom + 1), f.Left..(f.Right + 1)]).abs().max().item<float>());
        foreach (var c in crops) c.Dispose();
    }

    [Fact]
    public void A_unit_without_a_channel_or_outside_the_map_is_refused()
    {
        Assert.Contains("names no channel", Assert.Throws<ArgumentException>(() => ReceptiveFields.FromArchitecture(fixture.Model, Unit.Parse("layer1"))).Message);
        Assert.Contains("positions are 0..55", Assert.Throws<ArgumentOutOfRangeException>(() => ReceptiveFields.FromGradients(fixture.Model, Unit.Parse("layer1:0@60,3"))).Message);
    }

    [Fact]
    public void The_geometry_for_a_size_whose_central_fields_are_clipped_is_measured_at_a_multiple_and_given_for_the_size()
    {
        var model = fixture.Model;
        // layer2's central fields fit in 224 px: measured there.
        Assert.Equal(ReceptiveFields.Geometry(model, "layer2", 224), ReceptiveFields.GeometryFor(model, "layer2", 224));
        // layer3's do not (Geometry refuses); at 448 they do, and the start and step are those of the 224 px map.
        Assert.Throws<ArgumentException>(() => ReceptiveFields.Geometry(model, "layer3", 224));
        var layer3 = ReceptiveFields.GeometryFor(model, "layer3", 224);
        Assert.Equal(ReceptiveFields.Geometry(model, "layer3", 448) with { InputSize = 224 }, layer3);
        // A position's field at 224 px, clipped to the image, is the architecture's field of that unit at 224 px.
        var direct = ReceptiveFields.FromArchitecture(model, Unit.Parse("layer3:0@1,12"), 224);
        var fromGeometry = layer3.At(1, 12);
        Assert.Equal((direct.Top, direct.Left, direct.Bottom, direct.Right), (fromGeometry.Top, fromGeometry.Left, fromGeometry.Bottom, fromGeometry.Right));
        output.WriteLine($"{layer3}; layer3@1,12 at 224 px: {direct}");
    }

    [Theory]
    [InlineData("visual.stage1", 7, 2, -3)]
    [InlineData("visual.stage2", 19, 4, -9)]
    [InlineData("visual.stage3", 43, 8, -21)]
    [InlineData("visual.stage4", 91, 16, -45)]
    public void The_toy_clips_fields_equal_the_arithmetic_of_its_stages(string layer, int size, int jump, int start)
    {
        // Each stage: a 3×3 convolution of stride 2 and a 3×3 of stride 1, both padded by 1 (the 1×1 shortcut sees less), so
        // the field grows by 2·jump and then by 2·(2·jump), the jump doubles, and the field is centred on jump·y.
        using var model = ToyClipWeights.Entries[0].Load();
        var geometry = ReceptiveFields.GeometryFor(model, layer, 64);
        Assert.Equal(new FieldGeometry(layer, 64, size, jump, start, start), geometry);
    }

    [Fact]
    public void A_model_that_shifts_its_input_outside_the_preprocess_layer_is_refused_rather_than_probed_wrongly()
    {
        var net = new Shifted();
        using var model = new Interp.Hooks.HookedModel("shifted", net, new Interp.Hooks.InputConvention(16, "identity"));
        var e = Assert.Throws<InvalidOperationException>(() => ReceptiveFields.FromArchitecture(model, Unit.Parse("relu:0")));
        Assert.Contains("'preprocess' layer", e.Message);
        Assert.Equal(0, model.ActiveHookCount);
    }

    sealed class Shifted : nn.Module<Tensor, Tensor>
    {
        readonly SafeConv2d conv = new(3, 2, 3, padding: 1);
        readonly TorchSharp.Modules.ReLU relu = nn.ReLU();

        public Shifted() : base("shifted") => RegisterComponents();

        public override Tensor forward(Tensor x) => relu.call(conv.call(x - 0.5));
    }

    [Fact]
    public void A_ConvNeXts_field_is_probed_through_its_layer_norms_and_GELUs_and_equals_the_arithmetic_and_the_gradients()
    {
        // Stage 1 of the toy ConvNeXt: a 4×4 patchify stem (stride 4), then two blocks with 7×7 depthwise kernels on the 16×16 map,
        // each reaching 3 positions (12 px) further on every side: 4 + 2·2·12 = 52 px, rows 32 − 24 = 8 to 35 + 24 = 59 for position 8.
        using var clip = new Interp.Models.ToyClip.ToyClipModel(0, Interp.Models.ToyClip.ToyTower.ConvNeXt);
        using var model = new Interp.Hooks.HookedModel("toy-convnext", clip, new Interp.Hooks.InputConvention(64, "identity"));
        var unit = new Unit("visual.stage1", 5);
        var field = ReceptiveFields.FromArchitecture(model, unit);
        Assert.Equal((8, 8, 8, 8, 59, 59), (field.Y, field.X, field.Top, field.Left, field.Bottom, field.Right));
        var gradients = ReceptiveFields.FromGradients(model, unit);
        Assert.Equal((field.Top, field.Left, field.Bottom, field.Right), (gradients.Top, gradients.Left, gradients.Bottom, gradients.Right));
        using var after = clip.named_parameters().First(p => p.name.EndsWith(".gamma", StringComparison.Ordinal)).parameter.detach().clone();
        Assert.True(after.allclose(full_like(after, 0.1)), "the probe did not restore the layer scales");
    }
}
