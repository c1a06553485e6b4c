using Interp.Datasets;
using Interp.Microscope;
using Interp.Tests.Circuits;
using static TorchSharp.torch;

namespace Interp.Tests.Microscope;

/// <summary>The Microscope on a tiny hand-built network: pages, shards, resumption and refusals, checked file by file.</summary>
public class MicroscopeTests
{
    static readonly MicroscopeSettings Tiny = new(Steps: 3, Size: 16, UnitsPerRender: 1, Examples: 2, ScanSize: 16, Links: 1, Diversity: 2, Sample: 64);

    static MemoryImages Images() => new("six random images", [.. Enumerable.Range(0, 6).Select(i => rand([3, 16, 16], generator: new Generator().manual_seed(i)))]);

    /// <summary>Every file under <paramref name="root"/>, relative path → bytes.</summary>
    static SortedDictionary<string, byte[]> Files(string root) =>
        new(Directory.GetFiles(root, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith("scan-", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllBytes), StringComparer.Ordinal);

    [Fact]
    public void Outputs_link_to_the_next_layers_units_it_reaches_linearly_and_the_page_names_the_others()
    {
        using var model = TinyNets.BranchesModel(seed: 5);
        var net = (TinyNets.Branches)model.Module;
        var root = TestPaths.Temp("microscope-branches");
        var build = MicroscopeBuilder.BuildLayer(model, "relu1", null, Images(), Tiny with { Links = 2 }, root, outputLayer: "block");
        using var kernels = net.ConvA.Weight.to(float64).sum([2, 3]);                                  // [1, 2]: block:0's kernel sums
        foreach (var page in build.Pages)
        {
            // block:0 is conva of relu1, so its expanded weight from relu1:c is conva's kernel for c; block:1 is behind a max pool.
            var links = page.PositiveOutputs.Concat(page.NegativeOutputs).ToList();
            var link = Assert.Single(links);
            Assert.Equal(("block", 0), (link.Layer, link.Channel));
            Assert.Equal(kernels[0, page.Channel].item<double>(), link.Sum, 5);
            Assert.Contains("Outputs to 1 of the 2 units of block only; its units 1 cannot be reached linearly", page.LinksNote);
            Assert.Contains("not linear", page.LinksNote);
        }
        Assert.Equal(0, model.ActiveHookCount);
    }

    [Fact]
    public void A_layer_build_writes_a_page_per_unit_with_its_renders_examples_links_and_curve_verdict_and_the_index_pages()
    {
        using var model = TinyNets.Model(seed: 3);
        var net = (TinyNets.Chain)model.Module;
        var root = TestPaths.Temp("microscope-build");
        var images = Images();
        var first = MicroscopeBuilder.BuildLayer(model, "relu1", null, images, Tiny, root, outputLayer: "relu2").Pages;
        var pages = MicroscopeBuilder.BuildLayer(model, "relu2", null, images, Tiny, root, inputLayer: "relu1").Pages;
        Assert.Equal([0, 1], pages.Select(p => p.Channel));
        // Each image's strongest response per channel, by a forward pass here: the reference for the examples.
        using var cache = model.RunWithCache(stack([.. Enumerable.Range(0, images.Count).Select(images.Load)]), ["relu2"]);
        var maxima = cache["relu2"].amax([2, 3]);                                                  // [6 images, 2 channels]
        foreach (var page in pages)
        {
            var unitDir = Path.Combine(root, "chain", "relu2", page.Channel.ToString());
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(page), System.Text.Json.JsonSerializer.Serialize(MicroscopeSite.ReadUnit(unitDir)));
            // Renders: the channel objective, a diversity batch of 2, the neuron objective; each a 16 px picture with its provenance.
            Assert.Equal(["channel", "diversity", "diversity", "neuron"], page.Renders.Select(r => r.Kind));
            foreach (var r in page.Renders)
            {
                using (var image = Interp.Images.ImageIO.Load(Path.Combine(unitDir, r.File))) Assert.Equal([3L, 16, 16], image.shape);
                Assert.Contains("\"Objective\"", File.ReadAllText(Path.Combine(unitDir, r.Provenance)));
            }
            var byImage = maxima[.., page.Channel].data<float>().ToArray();
            var ascending = byImage.Select((v, i) => (v, i)).OrderBy(t => t.v).ThenBy(t => t.i).ToList();
            Assert.Equal(2, page.Top.Count);
            Assert.Equal(byImage.Max(), page.Top[0].Activation, 5);
            Assert.Equal(ascending.Take(2).Select(t => t.v), page.Weakest.Select(e => e.Activation), (a, b) => Math.Abs(a - b) < 1e-5);
            // Nearest rank over the 6 images for 99, 90, 75 and 50 %: the 6th, 6th, 5th and 3rd smallest.
            Assert.Equal(MicroscopeSettings.Percentiles, page.Spread.Select(e => e.Percentile!.Value));
            Assert.Equal(new[] { 5, 5, 4, 2 }.Select(r => ascending[r].v), page.Spread.Select(e => e.Activation), (a, b) => Math.Abs(a - b) < 1e-5);
            Assert.Empty(page.Negative);                                                            // after a ReLU
            Assert.All(page.Top.Concat(page.Spread).Concat(page.Weakest), e => Assert.True(File.Exists(Path.Combine(unitDir, e.File))));
            // One input each way at most, from relu1 (2 channels); the kernels' sums have the signs their lists say.
            Assert.All(page.PositiveInputs, w => Assert.True(w.Sum > 0 && w.Layer == "relu1"));
            Assert.All(page.NegativeInputs, w => Assert.True(w.Sum < 0 && w.Layer == "relu1"));
            Assert.NotEmpty(page.PositiveInputs.Concat(page.NegativeInputs));
            Assert.True(page.Curve is not null || page.CurveNote is not null);
            var html = File.ReadAllText(Path.Combine(root, "chain", "relu2", $"{page.Channel}.html"));
            Assert.Contains($"src=\"{page.Channel}/channel.png\"", html);
            Assert.Contains($"href=\"{page.Channel}/channel.json\"", html);
            Assert.Contains($"src=\"{page.Channel}/diversity-1.png\"", html);
            Assert.Contains("never negative", html);
            Assert.Contains("Curve detector?", html);
            foreach (var w in page.PositiveInputs.Concat(page.NegativeInputs)) Assert.Contains($"href=\"../relu1/{w.Channel}.html\"", html);
        }
        // Outputs of relu1 to relu2 at the centre: through conv2 alone (relu2 taken as the identity), so unit c's weight to unit d
        // is conv2's kernel W[d, c], whose sum decides the strongest output of each sign.
        var w2 = net.Conv2.Weight.to(float64);
        foreach (var page in first)
        {
            var sums = Enumerable.Range(0, 2).Select(d => w2[d, page.Channel].sum().item<double>()).ToArray();
            var links = page.PositiveOutputs.Concat(page.NegativeOutputs).ToList();
            Assert.NotEmpty(links);
            foreach (var link in links) Assert.Equal(sums[link.Channel], link.Sum, 5);
            if (sums.Max() > 0) Assert.Equal(Array.IndexOf(sums, sums.Max()), page.PositiveOutputs.Single().Channel);
            if (sums.Min() < 0) Assert.Equal(Array.IndexOf(sums, sums.Min()), page.NegativeOutputs.Single().Channel);
            Assert.Contains("href=\"../relu2/", File.ReadAllText(Path.Combine(root, "chain", "relu1", $"{page.Channel}.html")));
        }
        Assert.Contains("href=\"1.html\"", File.ReadAllText(Path.Combine(root, "chain", "relu2", "index.html")));
        Assert.Contains("relu2/index.html", File.ReadAllText(Path.Combine(root, "chain", "index.html")));
        Assert.Contains("chain/index.html", File.ReadAllText(Path.Combine(root, "index.html")));
    }

    [Fact]
    public void The_group_objective_gives_each_image_its_own_units_term_only()
    {
        // Two units, a diversity batch of 2 and the neuron: 2 + 4 + 2 images. Scored on a hand-made activation, image by image.
        var settings = new MicroscopeSettings(Diversity: 2);
        var objective = MicroscopeBuilder.GroupObjective("b", [3, 5], settings);
        var act = randn([8, 6, 3, 3], generator: new Generator().manual_seed(4));
        var ctx = new Interp.FeatureVisualization.Objectives.ObjectiveContext(new Dictionary<string, Tensor> { ["b"] = act }, rand([8, 3, 8, 8]));
        double Mean(int image, int channel) => act[image, channel].mean().item<float>();
        double Div(int start) => Interp.FeatureVisualization.Objectives.Objectives.Diversity("b", start, 2).Evaluate(ctx).sum().item<float>();
        double expected = Mean(0, 3) + Mean(1, 5)
            + (Mean(2, 3) + Mean(3, 3)) / 2 - 100 * Div(2)
            + (Mean(4, 5) + Mean(5, 5)) / 2 - 100 * Div(4)
            + act[6, 3, 1, 1].item<float>() + act[7, 5, 1, 1].item<float>();
        Assert.Equal(expected, objective.Total(ctx).item<float>(), 3);
        Assert.Equal(1 + 2 + 1, settings.ImagesPerUnit);
        Assert.Contains("0 (none) or at least 2", Assert.Throws<ArgumentOutOfRangeException>(() => new MicroscopeSettings(Diversity: 1).Validate()).Message);
    }

    [Fact]
    public void Shards_built_apart_and_merged_equal_one_build_byte_for_byte_and_a_rebuild_resumes_without_rendering()
    {
        using var model = TinyNets.Model(seed: 5);
        var images = Images();
        var whole = TestPaths.Temp("microscope-whole");
        MicroscopeBuilder.BuildLayer(model, "relu2", null, images, Tiny, whole, inputLayer: "relu1", outputLayer: "conv3");
        var a = TestPaths.Temp("microscope-shard-a");
        var b = TestPaths.Temp("microscope-shard-b");
        Assert.Equal([0], MicroscopeBuilder.BuildLayer(model, "relu2", null, images, Tiny, a, "relu1", "conv3", shard: Shard.Parse("0/2")).Pages.Select(p => p.Channel));
        Assert.Equal([1], MicroscopeBuilder.BuildLayer(model, "relu2", null, images, Tiny, b, "relu1", "conv3", shard: Shard.Parse("1/2")).Pages.Select(p => p.Channel));
        var merged = TestPaths.Temp("microscope-merged");
        MicroscopeSite.Merge([b, a], merged);
        var expected = Files(whole);
        var actual = Files(merged);
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (file, bytes) in expected) Assert.True(bytes.AsSpan().SequenceEqual(actual[file]), $"{file} differs");

        // Shards may also build into one folder (each keeps its own scan checkpoint there): the same site again.
        var shared = TestPaths.Temp("microscope-shared");
        MicroscopeBuilder.BuildLayer(model, "relu2", null, images, Tiny, shared, "relu1", "conv3", shard: Shard.Parse("1/2"));
        MicroscopeBuilder.BuildLayer(model, "relu2", null, images, Tiny, shared, "relu1", "conv3", shard: Shard.Parse("0/2"));
        var together = Files(shared);
        Assert.Equal(expected.Keys, together.Keys);
        foreach (var (file, bytes) in expected) Assert.True(bytes.AsSpan().SequenceEqual(together[file]), $"{file} differs when shards share a folder");
        Assert.Equal(2, Directory.GetFiles(Path.Combine(shared, "chain", "relu2"), "scan-*.json").Length);

        // Built again into the same folder: nothing is rendered, nothing changes.
        var progress = new List<MicroscopeProgress>();
        MicroscopeBuilder.BuildLayer(model, "relu2", null, images, Tiny, whole, "relu1", "conv3", progress: new SynchronousProgress<MicroscopeProgress>(progress.Add));
        Assert.Equal(0, progress[^1].Built);
        Assert.Equal(2, progress[^1].Done);
        // A unit whose marker is gone (a crash before it was written) is built again, to the same bytes.
        File.Delete(Path.Combine(whole, "chain", "relu2", "1", MicroscopeSite.UnitFile));
        progress.Clear();
        MicroscopeBuilder.BuildLayer(model, "relu2", null, images, Tiny, whole, "relu1", "conv3", progress: new SynchronousProgress<MicroscopeProgress>(progress.Add));
        Assert.Equal(1, progress[^1].Built);
        var again = Files(whole);
        foreach (var (file, bytes) in expected) Assert.True(bytes.AsSpan().SequenceEqual(again[file]), $"{file} differs after the rebuild");
    }

    [Fact]
    public void The_toy_clip_gets_pages_from_the_zoo_with_toy_world_examples_and_links_between_its_stages()
    {
        var entry = Interp.Zoo.ModelZoo.Get("toy-clip");
        Assert.Equal(["visual.stage1", "visual.stage2", "visual.stage3", "visual.stage4"], entry.MainLayers);
        using var model = entry.Load();
        var images = new ToyWorldImages(24);
        Assert.Equal(images.Name, entry.DefaultExampleImages().Name);
        var root = TestPaths.Temp("microscope-toy");
        var settings = new MicroscopeSettings(Steps: 2, Size: 32, UnitsPerRender: 2, Examples: 3, ScanSize: entry.Input.Size, Diversity: 2, Links: 2);
        var build = MicroscopeBuilder.BuildLayer(model, "visual.stage3", [5, 6], images, settings, root, "visual.stage2", "visual.stage4");
        var pages = build.Pages;
        Assert.Equal(2, build.Built);
        Assert.Empty(build.Skipped);
        Assert.True(build.Preparation > TimeSpan.Zero && build.Preparation < build.Elapsed);
        Assert.Equal([5, 6], pages.Select(p => p.Channel));
        foreach (var page in pages)
        {
            Assert.All(page.Top, e => Assert.StartsWith("toy-1000-", e.ImageId));
            // Every top example's activation is the unit's largest value in that picture, here by a forward pass.
            foreach (var e in page.Top)
            {
                using var picture = images.Load(int.Parse(e.ImageId["toy-1000-".Length..]));
                using var cache = model.RunWithCache(picture.unsqueeze(0), ["visual.stage3"]);
                Assert.Equal(cache["visual.stage3"][0, page.Channel].max().item<float>(), e.Activation, 4);
            }
            Assert.NotEmpty(page.PositiveInputs.Concat(page.NegativeInputs));
            Assert.All(page.PositiveInputs, w => Assert.True(w.Layer == "visual.stage2" && w.Sum > 0));
            Assert.All(page.NegativeInputs, w => Assert.True(w.Layer == "visual.stage2" && w.Sum < 0));
            Assert.All(page.PositiveOutputs.Concat(page.NegativeOutputs), w => Assert.Equal("visual.stage4", w.Layer));
            Assert.NotEmpty(page.PositiveOutputs.Concat(page.NegativeOutputs));
        }
    }

    [Fact]
    public void Bad_requests_are_refused_naming_what_is_valid()
    {
        using var model = TinyNets.Model();
        var root = TestPaths.Temp("microscope-bad");
        Assert.Contains("units 0..1", Assert.Throws<ArgumentOutOfRangeException>(() => MicroscopeBuilder.BuildLayer(model, "relu2", [2], Images(), Tiny, root)).Message);
        Assert.Contains("relu2", Assert.Throws<ArgumentException>(() => MicroscopeBuilder.BuildLayer(model, "relu9", null, Images(), Tiny, root)).Message);
        Assert.Contains("is empty", Assert.Throws<ArgumentException>(() => MicroscopeBuilder.BuildLayer(model, "relu2", null, new MemoryImages("none", []), Tiny, root)).Message);
        Assert.Contains("Steps must be at least 1", Assert.Throws<ArgumentOutOfRangeException>(() =>
            MicroscopeBuilder.BuildLayer(model, "relu2", null, Images(), Tiny with { Steps = 0 }, root)).Message);
        Assert.Contains("0 ≤ i < n", Assert.Throws<FormatException>(() => Shard.Parse("3/2")).Message);

        // A folder built with other settings is not overwritten, and shards of other settings do not merge.
        MicroscopeBuilder.BuildLayer(model, "relu2", [0], Images(), Tiny, root);
        Assert.Contains("other settings", Assert.Throws<InvalidOperationException>(() =>
            MicroscopeBuilder.BuildLayer(model, "relu2", [1], Images(), Tiny with { Steps = 4 }, root)).Message);
        var other = TestPaths.Temp("microscope-bad-other");
        MicroscopeBuilder.BuildLayer(model, "relu2", [0], Images(), Tiny with { Steps = 4 }, other);
        var e = Assert.Throws<InvalidDataException>(() => MicroscopeSite.Merge([other], root));
        Assert.Contains("relu2:0 differs", e.Message);
        Assert.Contains("keys", e.Message);
        // A build asked to replace other builds to replace them: then every unit of the other build goes, and the new one is built.
        MicroscopeBuilder.BuildLayer(model, "relu2", [1], Images(), Tiny with { Steps = 4 }, root, replaceOtherBuilds: true);
        var rebuilt = MicroscopeSite.ReadUnits(MicroscopeSite.LayerFolder(root, "chain", "relu2"));
        Assert.Equal([1], rebuilt.Select(p => p.Channel));
        Assert.False(File.Exists(Path.Combine(MicroscopeSite.LayerFolder(root, "chain", "relu2"), "0.html")));
    }
}
