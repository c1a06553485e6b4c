using Interp.Clip;
using Interp.Zoo;
using Interp.Models.Clip;
using static TorchSharp.torch;

namespace Interp.Tests.Clip;

[Trait("Needs", TestPaths.NeedsFixtures)]
public class ClipZooAndZeroShotTests(ITestOutputHelper output)
{
    static string Dir => Path.GetDirectoryName(TestPaths.Fixture("clip-modified-resnet-small", "model.jit.pt"))!;

    static void RequireFixture() => TestPaths.Fixture("clip-modified-resnet-small", "model.jit.pt");

    [Fact]
    public void The_zoo_lists_every_resnet_clip_with_its_pinned_hash_and_how_to_get_it()
    {
        var names = ModelZoo.Entries.Select(e => e.Name).Where(n => n.StartsWith("clip-", StringComparison.Ordinal)).ToList();
        Assert.Equal(["clip-rn50", "clip-rn101", "clip-rn50x4", "clip-rn50x16", "clip-rn50x64"], names);
        foreach (var r in OpenAiClip.Releases)
        {
            // OpenAI's URLs carry the file's SHA-256 as their second-to-last segment.
            Assert.Equal(r.File.Url.Segments[^2].TrimEnd('/'), r.File.Sha256);
            Assert.Matches("^[0-9a-f]{64}$", r.File.Sha256!);
            Assert.Equal(r.InputSize, ModelZoo.Get(r.ZooName).Input.Size);
        }
        var info = ModelZoo.Describe().Single(m => m.Name == "clip-rn50x4");
        if (!info.Present) Assert.Contains("OpenAiClip.Download(\"clip-rn50x4\")", info.HowToGet);
        Assert.Contains("Did you mean 'clip-rn50x4'", Assert.Throws<ArgumentException>(() => OpenAiClip.Load("clip-rn50x3")).Message);
    }

    [SkippableFact]
    public void A_released_style_archive_loads_through_the_zoo_path_as_a_hooked_model()
    {
        RequireFixture();
        using var model = OpenAiClip.Load("clip-rn50", Path.Combine(Dir, "model.jit.pt"));
        Assert.Equal("clip-rn50", model.Name);
        Assert.Equal(224, model.Input.Size);
        Assert.Contains("visual.layer4.2", model.LayerNames);
        Assert.Contains("transformer.resblocks.1", model.LayerNames);
        using var unit = FixtureFiles.Floats(Dir, "image_unit.bin", 1, 3, 224, 224);
        using var _ = no_grad();
        using var features = model.Forward(unit);
        using var expected = FixtureFiles.Floats(Dir, "image_features.bin", 1, 64);
        Assert.True((features - expected).abs().max().item<float>() <= 1e-4 * expected.abs().max().item<float>());
    }

    [SkippableFact]
    public void Zero_shot_logits_are_openais_and_templates_are_averaged_on_the_unit_sphere()
    {
        RequireFixture();
        using var model = ClipModel.LoadStateDict(Path.Combine(Dir, "state_dict.pth"));
        using var unit = FixtureFiles.Floats(Dir, "image_unit.bin", 1, 3, 224, 224);
        // With the template "{}" the classes are OpenAI's four prompts, whose logits the fixture stores.
        using var classifier = ZeroShotClassifier.FromTemplates(model, ["a photo of a cat", "a diagram", "a dog", "trash"], ["{}"]);
        var result = classifier.Classify(unit);
        using var expected = FixtureFiles.Floats(Dir, "logits_per_image.bin", 1, 4);
        for (int c = 0; c < 4; c++)
            Assert.True(Math.Abs(expected[0, c].item<float>() - result.Logits[0, c]) <= 1e-4 * 1.173, $"class {c}: {result.Logits[0, c]} vs {expected[0, c].item<float>()}");
        Assert.Equal(1.0, Enumerable.Range(0, 4).Sum(c => (double)result.Probabilities[0, c]), 5);
        var top = result.Top(0, 2);
        Assert.Equal(1, top[0].Rank);
        Assert.True(top[0].Probability >= top[1].Probability);
        output.WriteLine(string.Join("; ", result.Rows.Select(r => $"{r.Class}: {r.Probability}")));

        // Two templates: normalize each text feature, average, normalize again.
        var tokenizer = ClipTokenizer.Default();
        using var twoTemplates = ZeroShotClassifier.FromTemplates(model, ["cat"], ["a photo of a {}.", "a drawing of a {}."]);
        var embeddings = twoTemplates.ClassEmbeddings;
        using var __ = no_grad();
        using var f1 = model.EncodeText(tensor(tokenizer.Tokenize("a photo of a cat.").Select(i => (long)i).ToArray(), [1, 77]));
        using var f2 = model.EncodeText(tensor(tokenizer.Tokenize("a drawing of a cat.").Select(i => (long)i).ToArray(), [1, 77]));
        using var mean = (f1 / f1.norm() + f2 / f2.norm()) / 2;
        using var manual = mean / mean.norm();
        Assert.True((embeddings - manual).abs().max().item<float>() < 1e-6f);
        Assert.Contains("has no {}", Assert.Throws<ArgumentException>(() => ZeroShotClassifier.FromTemplates(model, ["cat"], ["a photo of a cat"])).Message);
        // Shapes are checked before any native call: a mismatched matrix product would end the process (README, "Older Linux").
        Assert.Contains("[M, 64]", Assert.Throws<ArgumentException>(() => model.Logits(zeros(1, 64), zeros(2, 63))).Message);
        Assert.Contains("[N, 3, 224, 224]", Assert.Throws<ArgumentException>(() => classifier.Logits(zeros(1, 3, 200, 200))).Message);
        Assert.Contains("at least 1", Assert.Throws<ArgumentOutOfRangeException>(() => classifier.Logits(unit, batchSize: 0)).Message);
        // A class name too long for 77 tokens is an error, not silently cut.
        var longName = string.Join(" ", Enumerable.Repeat("cat", 80));
        Assert.Throws<ArgumentException>(() => ZeroShotClassifier.FromTemplates(model, [longName]));
    }

    [Fact]
    public void Resize_and_centre_crop_follow_torchvision()
    {
        // No resize needed (shorter side already 4): the crop of a 4×7 image starts at round(1.5) = 2 (half to even).
        using var img = arange(3 * 4 * 7, dtype: float32).reshape(3, 4, 7) / 100;
        using var crop = ClipPreprocess.ResizeCenterCrop(img, 4);
        Assert.Equal([3L, 4, 4], crop.shape);
        Assert.Equal(0f, (crop - img[.., .., 2..6]).abs().max().item<float>());
        // A 10×20 image to 5: resized to 5×10, cropped at column 2 or 3; a flat image stays flat.
        using var flat = full([1, 3, 10, 20], 0.25f);
        using var small = ClipPreprocess.ResizeCenterCrop(flat, 5);
        Assert.Equal([1L, 3, 5, 5], small.shape);
        Assert.True((small - 0.25f).abs().max().item<float>() < 1e-6f);
    }
}
