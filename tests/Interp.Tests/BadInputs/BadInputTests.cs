using Interp.Circuits;
using Interp.Clip;
using Interp.Multimodal;
using Interp.Stimuli;
using Interp.Tests.Circuits;
using Interp.Models.Clip;
using static TorchSharp.torch;

namespace Interp.Tests.BadInputs;

/// <summary>
/// Inputs a new user gives by mistake, one test per class (NaN or infinite numbers, counts ≤ 0, indices out of range, empty
/// text): each must end in an error that names what was wrong, never in a silent blank result, a hang, or the end of the
/// process (a libtorch error ends it on these machines: README, "Older Linux").
/// </summary>
public class BadInputTests
{
    /// <summary>Runs <paramref name="call"/> and fails (instead of hanging the suite) if it has not finished within 30 s.</summary>
    static Exception Refused(Action call)
    {
        var task = Task.Run(() => Record.Exception(call));
        Assert.True(task.Wait(TimeSpan.FromSeconds(30)), "the call did not return within 30 s (it used to loop forever)");
        return task.Result ?? throw new Xunit.Sdk.XunitException("the call was accepted; it should have been refused");
    }

    public static TheoryData<string, Arc> NonFiniteArcs() => new()
    {
        { "Orientation", new Arc(double.NaN, 0.02) },
        { "Curvature", new Arc(0, double.PositiveInfinity) },
        { "Length", new Arc(0, 0.02, Length: double.NaN) },
        { "LineWidth", new Arc(0, 0.02, LineWidth: double.NaN) },
        { "X", new Arc(0, 0.02, X: double.NaN) },
        { "Y", new Arc(0, 0.02, Y: double.NegativeInfinity) },
    };

    [Theory]
    [MemberData(nameof(NonFiniteArcs))]
    public void A_non_finite_stimulus_parameter_is_named_instead_of_drawing_a_blank(string field, Arc arc)
    {
        var e = Refused(() => Stimulus.Draw(arc).Dispose());
        Assert.Contains(field, e.Message);
        Assert.Contains("finite", e.Message);
        Assert.Contains("finite", Refused(() => Stimulus.Draw(new Corner(double.NaN)).Dispose()).Message);
        Assert.Contains("finite", Refused(() => Stimulus.Draw(new Grating(0, 0.1, Phase: double.NaN)).Dispose()).Message);
    }

    [Theory]
    [InlineData(float.NaN, 10f, 10f)]
    [InlineData(0f, 10f, 10f)]
    [InlineData(12f, float.NaN, 10f)]
    [InlineData(12f, 10f, float.PositiveInfinity)]
    public void Text_of_a_non_finite_or_empty_size_or_place_is_refused_not_left_out(float size, float x, float y)
    {
        using var image = ones(3, 64, 64);
        Assert.IsType<ArgumentOutOfRangeException>(Refused(() => TextOverlay.Paste(image, "star", x, y, size).Dispose()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void An_empty_attack_word_is_refused_instead_of_looping_forever(string word)
    {
        using var images = rand(2, 3, 64, 64);
        var e = Refused(() => TypographicAttack.Measure(images, x => new long[x.shape[0]], word, 1, TypographicAttack.ToyBaseline));
        Assert.Contains("word", e.Message);
    }

    [Fact]
    public void Counts_below_one_and_channels_out_of_range_are_refused_before_any_native_call()
    {
        using var model = TinyNets.Model(seed: 3);
        using var images = rand(4, 3, 16, 16);
        Assert.Contains("batch size", Refused(() => UnitEdits.ChannelMeans(model, "relu1", images, batchSize: 0).Dispose()).Message);
        Assert.Contains("N ≥ 1", Refused(() => UnitEdits.ChannelMeans(model, "relu1", zeros(0, 3, 16, 16)).Dispose()).Message);
        using var means = UnitEdits.ChannelMeans(model, "relu1", images);
        Assert.Contains("channels 0..1", Refused(() => UnitEdits.Mean(model, "relu1", [5], means).Dispose()).Message);
        Assert.Contains("channels 0..1", Refused(() => UnitEdits.Mean(model, "relu1", [-1], means).Dispose()).Message);
        Assert.Contains("resample", Refused(() => TypographicAttack.Measure(images, x => new long[x.shape[0]], "star", 1, TypographicAttack.ToyBaseline, resamples: 0)).Message);
    }

    [Theory]
    [InlineData("random")]
    [InlineData("truncated")]
    [InlineData("other zip")]
    public void Files_that_are_not_what_they_claim_are_refused_before_libtorch_reads_them(string kind)
    {
        var dir = TestPaths.Temp("not-a-model");
        var path = Path.Combine(dir, "RN50.pt");
        var bytes = new byte[4096];
        new Random(1).NextBytes(bytes);
        if (kind == "truncated")
        {
            // The first 4 KiB of a real zip: its central directory (at the end) is missing.
            var zipPath = Path.Combine(dir, "whole.zip");
            using (var archive = System.IO.Compression.ZipFile.Open(zipPath, System.IO.Compression.ZipArchiveMode.Create))
            using (var writer = new StreamWriter(archive.CreateEntry("archive/data.pkl").Open())) writer.Write(new string('x', 20000));
            bytes = File.ReadAllBytes(zipPath)[..Math.Min(4096, (int)new FileInfo(zipPath).Length - 30)];
        }
        if (kind == "other zip")
        {
            using (var archive = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Create))
            using (var writer = new StreamWriter(archive.CreateEntry("readme.txt").Open())) writer.Write("not a model");
        }
        else File.WriteAllBytes(path, bytes);
        var e = Assert.IsType<InvalidDataException>(Refused(() => ClipModel.Load(path).Dispose()));
        Assert.Contains(kind == "other zip" ? "neither a TorchScript archive" : "is not a CLIP model", e.Message);
        File.WriteAllBytes(path, bytes);
        Assert.Contains("is not CLIP's vocabulary", Assert.IsType<InvalidDataException>(Refused(() => ClipTokenizer.Load(path))).Message);
    }

    [Fact]
    public void A_curve_search_on_a_layer_without_positions_names_the_spatial_layers()
    {
        // conv (spatial) → pool → flat: [N, 2], a layer with channels but no positions.
        var net = TorchSharp.torch.nn.Sequential(("conv", TorchSharp.torch.nn.Conv2d(3, 2, 3)), ("pool", TorchSharp.torch.nn.AdaptiveAvgPool2d(1)),
            ("flat", TorchSharp.torch.nn.Flatten()));
        using var model = new Interp.Hooks.HookedModel("flat-net", net, new Interp.Hooks.InputConvention(32, "identity"));
        var e = Refused(() => CurveSearch.Measure(model, "flat", new double[2]));
        Assert.Contains("spatial layer", e.Message);
        Assert.Contains("conv", e.Message);
    }

    [Fact]
    public void A_clip_image_of_another_size_is_refused_at_the_attention_pool_and_taken_by_the_layers_before_it()
    {
        using var model = new ClipModel(new ClipConfig(64, 224, [1, 1, 1, 1], 16, 77, 49408, 64, 1, 1));
        using var _ = no_grad();
        var e = Refused(() => model.EncodeImage(rand(1, 3, 200, 200)).Dispose());
        Assert.Contains("images of 224×224 px", e.Message);
        Assert.Contains("visual.layer4", e.Message);
        using var hooked = new Interp.Hooks.HookedModel("clip", model, new Interp.Hooks.InputConvention(224, "identity"));
        using var cache = hooked.RunWithCache(rand(1, 3, 96, 96), ["visual.layer4"], stopEarly: true);   // feature visualization renders at other sizes
        Assert.Equal(3, cache["visual.layer4"].shape[2]);
    }
}
