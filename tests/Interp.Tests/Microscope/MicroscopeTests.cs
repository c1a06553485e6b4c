using Interp.Datasets;
using Interp.Microscope;
using Interp.Tests.Circuits;
using static TorchSharp.torch;

namespace Interp.Tests.Microscope;

/// <summary>The Microscope on a tiny hand-built network: pages, shards, resumption and refusals, checked file by file.</summary>
public class MicroscopeTests
{
    static readonly MicroscopeSettings Tiny = new(Steps: 3, Size: 16, UnitsPerRender: 1, Examples: 2, ScanSize: 16, Inputs: 1);

    static MemoryImages Images() => new("six random images", [.. Enumerable.Range(0, 6).Select(i => rand([3, 16, 16], generator: new Generator().manual_seed(i)))]);

    /// <summary>Every file under <paramref name="root"/>, relative path → bytes.</summary>
    static SortedDictionary<string, byte[]> Files(string root) =>
        new(Directory.GetFiles(root, "*", SearchOption.AllDirectories).Where(f => !Path.GetFileName(f).StartsWith("scan-", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(root, f), File.ReadAllBytes), StringComparer.Ordinal);

    [Fact]
    public void A_layer_build_writes_a_page_per_unit_with_its_render_examples_and_inputs_and_the_index_pages()
    {
        using var model = TinyNets.Model(seed: 3);
        var root = TestPaths.Temp("microscope-build");
        var pages = MicroscopeBuilder.BuildLayer(model, "relu2", null, Images(), Tiny, root, inputLayer: "relu1");
        Assert.Equal([0, 1], pages.Select(p => p.Channel));
        foreach (var page in pages)
        {
            var unitDir = Path.Combine(root, "chain", "relu2", page.Channel.ToString());
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(page), System.Text.Json.JsonSerializer.Serialize(MicroscopeSite.ReadUnit(unitDir)));
            using (var image = Interp.Images.ImageIO.Load(Path.Combine(unitDir, "channel.png"))) Assert.Equal([3L, 16, 16], image.shape);
            Assert.Contains("\"Objective\"", File.ReadAllText(Path.Combine(unitDir, "channel.json")));
            Assert.Equal(2, page.Top.Count);
            Assert.Equal(2, page.Bottom.Count);
            Assert.True(page.Top[0].Activation >= page.Top[1].Activation && page.Top[1].Activation >= page.Bottom[0].Activation);
            Assert.All(page.Top.Concat(page.Bottom), e => Assert.True(File.Exists(Path.Combine(unitDir, e.File))));
            // One input each way at most, from relu1 (2 channels); the kernels' sums have the signs their lists say.
            Assert.All(page.Excitatory, w => Assert.True(w.Sum > 0 && w.Layer == "relu1"));
            Assert.All(page.Inhibitory, w => Assert.True(w.Sum < 0 && w.Layer == "relu1"));
            Assert.NotEmpty(page.Excitatory.Concat(page.Inhibitory));
            var html = File.ReadAllText(Path.Combine(root, "chain", "relu2", $"{page.Channel}.html"));
            Assert.Contains($"src=\"{page.Channel}/channel.png\"", html);
            Assert.Contains($"href=\"{page.Channel}/channel.json\"", html);
            foreach (var w in page.Excitatory.Concat(page.Inhibitory)) Assert.Contains($"href=\"../relu1/{w.Channel}.html\"", html);
        }
        Assert.Contains("href=\"1.html\"", File.ReadAllText(Path.Combine(root, "chain", "relu2", "index.html")));
        Assert.Contains("relu2/index.html", File.ReadAllText(Path.Combine(root, "chain", "index.html")));
        Assert.Contains("chain/index.html", File.ReadAllText(Path.Combine(root, "index.html")));
    }

    [Fact]
    public void Shards_built_apart_and_merged_equal_one_build_byte_for_byte_and_a_rebuild_resumes_without_rendering()
    {
        using var model = TinyNets.Model(seed: 5);
        var images = Images();
        var whole = TestPaths.Temp("microscope-whole");
        MicroscopeBuilder.BuildLayer(model, "relu2", null, images, Tiny, whole, inputLayer: "relu1");
        var a = TestPaths.Temp("microscope-shard-a");
        var b = TestPaths.Temp("microscope-shard-b");
        Assert.Equal([0], MicroscopeBuilder.BuildLayer(model, "relu2", null, images, Tiny, a, "relu1", Shard.Parse("0/2")).Select(p => p.Channel));
        Assert.Equal([1], MicroscopeBuilder.BuildLayer(model, "relu2", null, images, Tiny, b, "relu1", Shard.Parse("1/2")).Select(p => p.Channel));
        var merged = TestPaths.Temp("microscope-merged");
        MicroscopeSite.Merge([b, a], merged);
        var expected = Files(whole);
        var actual = Files(merged);
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (file, bytes) in expected) Assert.True(bytes.AsSpan().SequenceEqual(actual[file]), $"{file} differs");

        // Shards may also build into one folder (each keeps its own scan checkpoint there): the same site again.
        var shared = TestPaths.Temp("microscope-shared");
        MicroscopeBuilder.BuildLayer(model, "relu2", null, images, Tiny, shared, "relu1", Shard.Parse("1/2"));
        MicroscopeBuilder.BuildLayer(model, "relu2", null, images, Tiny, shared, "relu1", Shard.Parse("0/2"));
        var together = Files(shared);
        Assert.Equal(expected.Keys, together.Keys);
        foreach (var (file, bytes) in expected) Assert.True(bytes.AsSpan().SequenceEqual(together[file]), $"{file} differs when shards share a folder");
        Assert.Equal(2, Directory.GetFiles(Path.Combine(shared, "chain", "relu2"), "scan-*.json").Length);

        // Built again into the same folder: nothing is rendered, nothing changes.
        var progress = new List<MicroscopeProgress>();
        MicroscopeBuilder.BuildLayer(model, "relu2", null, images, Tiny, whole, "relu1", progress: new SyncProgress<MicroscopeProgress>(progress.Add));
        Assert.Equal(0, progress[^1].Built);
        Assert.Equal(2, progress[^1].Done);
        // A unit whose marker is gone (a crash before it was written) is built again, to the same bytes.
        File.Delete(Path.Combine(whole, "chain", "relu2", "1", MicroscopeSite.UnitFile));
        progress.Clear();
        MicroscopeBuilder.BuildLayer(model, "relu2", null, images, Tiny, whole, "relu1", progress: new SyncProgress<MicroscopeProgress>(progress.Add));
        Assert.Equal(1, progress[^1].Built);
        var again = Files(whole);
        foreach (var (file, bytes) in expected) Assert.True(bytes.AsSpan().SequenceEqual(again[file]), $"{file} differs after the rebuild");
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
    }

    sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
