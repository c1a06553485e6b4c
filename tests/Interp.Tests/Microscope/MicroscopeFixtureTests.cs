using Interp.Datasets;
using Interp.Microscope;
using Interp.Zoo;
using static TorchSharp.torch;

namespace Interp.Tests.Microscope;

/// <summary>
/// Microscope pages of InceptionV1 (Lucent's weights) and of a small CLIP ModifiedResNet built with OpenAI's code (the shared
/// fixtures): the architectures whose real weights are downloads get pages too, with their main layers as neighbours.
/// </summary>
[Trait("Needs", TestPaths.NeedsFixtures)]
public class MicroscopeFixtureTests(ITestOutputHelper output)
{
    static readonly MicroscopeSettings Small = new(Steps: 2, Size: 32, UnitsPerRender: 2, Examples: 2, Links: 2, Diversity: 2, Sample: 16);

    static MemoryImages Photos(int size) =>
        new("four random images", [.. Enumerable.Range(0, 4).Select(i => rand([3, size, size], generator: new Generator().manual_seed(i)))]);

    [SkippableFact]
    public void Inceptionv1_mixed3b_pages_link_through_linear_branches_and_say_why_a_max_pool_blocks_the_others()
    {
        using var model = InceptionV1Lucid.Load(TestPaths.Fixture("inceptionv1-lucent", "state_dict.pth"));
        var main = InceptionV1Lucid.Entry.MainLayers!;
        int at = main.ToList().IndexOf("mixed3b");
        var root = TestPaths.Temp("microscope-inception");
        // mixed3b's channels are its branches concatenated: 0 is in the 1x1 branch (a convolution of mixed3a), 479 in the
        // pool branch (a 3x3 max pool of mixed3a, then a convolution); the maxpool4 after the block lies before mixed4a.
        var build = MicroscopeBuilder.BuildLayer(model, "mixed3b", [0, 479], Photos(96), Small with { ScanSize = 96 }, root, main[at - 1], main[at + 1]);
        Assert.Equal(2, build.Built);
        output.WriteLine($"{build.Elapsed.TotalSeconds:F1} s, of which preparing {build.Preparation.TotalSeconds:F1} s");
        foreach (var page in build.Pages)
            output.WriteLine($"{page.Id}: curve {(page.Curve is { } c ? (c.Passes ? "passes" : string.Join("; ", c.Failures)) : page.CurveNote)}; " +
                             $"inputs {page.PositiveInputs.Count}+{page.NegativeInputs.Count}; links: {page.LinksNote}");
        var (conv, pooled) = (build.Pages[0], build.Pages[1]);
        Assert.All(build.Pages, p => Assert.NotNull(p.Curve));   // mixed3b's central field (59 px) fits in 96 px
        Assert.NotEmpty(conv.PositiveInputs.Concat(conv.NegativeInputs));
        Assert.All(conv.PositiveInputs.Concat(conv.NegativeInputs), w => Assert.Equal("mixed3a", w.Layer));
        Assert.DoesNotContain("No inputs", conv.LinksNote);
        Assert.Empty(pooled.PositiveInputs.Concat(pooled.NegativeInputs));
        Assert.Contains("No inputs from mixed3a", pooled.LinksNote);
        foreach (var page in build.Pages)
        {
            Assert.Empty(page.PositiveOutputs.Concat(page.NegativeOutputs));
            Assert.Contains("No outputs to mixed4a", page.LinksNote);
            Assert.Contains("not linear", File.ReadAllText(Path.Combine(root, "inceptionv1", "mixed3b", $"{page.Channel}.html")));
        }
    }

    [SkippableFact]
    public void A_clip_modified_resnet_gets_pages_linked_to_the_stages_before_and_after()
    {
        using var clip = OpenAiClip.LoadClip("clip-rn50", TestPaths.Fixture("clip-modified-resnet-small", "model.jit.pt"));
        var model = clip.Hooked;
        var main = OpenAiClip.Entries[0].MainLayers!;
        var root = TestPaths.Temp("microscope-clip");
        var build = MicroscopeBuilder.BuildLayer(model, "visual.layer2", [0, 1], Photos(model.Input.Size), Small with { ScanSize = model.Input.Size }, root,
            main[0], main[2]);
        Assert.Equal(2, build.Built);
        foreach (var page in build.Pages)
        {
            output.WriteLine($"{page.Id}: inputs {page.PositiveInputs.Count}+{page.NegativeInputs.Count}, outputs {page.PositiveOutputs.Count}+" +
                             $"{page.NegativeOutputs.Count}; {page.LinksNote}");
            Assert.All(page.PositiveInputs.Concat(page.NegativeInputs), w => Assert.Equal("visual.layer1", w.Layer));
            Assert.All(page.PositiveOutputs.Concat(page.NegativeOutputs), w => Assert.Equal("visual.layer3", w.Layer));
            // Either the links are there or the page says why not.
            Assert.True(page.PositiveInputs.Count + page.NegativeInputs.Count > 0 || page.LinksNote is not null);
            Assert.True(page.PositiveOutputs.Count + page.NegativeOutputs.Count > 0 || page.LinksNote is not null);
        }
    }
}
