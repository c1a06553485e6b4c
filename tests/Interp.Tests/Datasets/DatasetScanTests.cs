using Interp.Datasets;
using Interp.Hooks;
using Interp.Images;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Tests.Datasets;

public class DatasetScanTests
{
    static HookedModel Model() => new("copy", new CopyNet(), new InputConvention(8, "identity"));

    /// <summary>20 grey 8×8 images, each with one bright pixel: image i has value 0.5 + i/50 in channel i % 3 at (i % 8, (3·i) % 8).</summary>
    static List<Tensor> Images() => [.. Enumerable.Range(0, 20).Select(i =>
    {
        var img = full([3, 8, 8], 0.5f);
        img[i % 3, i % 8, 3 * i % 8] = tensor(0.5f + i / 50f);
        img[(i + 1) % 3, (i + 4) % 8, (i + 2) % 8] = tensor(0.4f - i / 100f);   // a dark pixel for the bottom examples
        return img;
    })];

    static readonly ScanSettings Settings = new(Size: 8, TopK: 3, BatchSize: 4, CheckpointEvery: 4, Sample: 5);

    [Fact]
    public void The_top_and_bottom_examples_are_the_known_ones_with_their_positions()
    {
        using var model = Model();
        var images = Images();
        var result = DatasetScan.Run(model, "conv", new MemoryImages("bright pixels", images), Settings);
        Assert.Equal(20, result.ImagesScanned);
        // Channel 1: images 1, 4, 7, 10, 13, 16, 19 hold its bright pixels; the brightest are 19, 16, 13.
        Assert.Equal([19, 16, 13], result.Top[1].Select(e => e.Image));
        Assert.Equal((19 % 8, 3 * 19 % 8), (result.Top[1][0].Y, result.Top[1][0].X));
        Assert.Equal(0.5f + 19 / 50f, result.Top[1][0].Activation, 5);
        // Dark pixels in channel (i + 1) % 3 = 0 for i = 2, 5, 8, …, 17; the darkest is image 17.
        Assert.Equal(17, result.Bottom[0][0].Image);
        Assert.Equal(((17 + 4) % 8, (17 + 2) % 8), (result.Bottom[0][0].Y, result.Bottom[0][0].X));
        // Peaks: each channel's largest value over every image and position, computed here directly.
        var expected = stack(images).amax([0, 2, 3]).to(float64).data<double>().ToArray();
        Assert.Equal(expected, result.Peaks(), (a, b) => Math.Abs(a - b) < 1e-6);
        var empty = ScanResult.Empty("copy", "conv", "nothing", 0, Settings, 3);
        Assert.Contains("no examples yet", Assert.Throws<InvalidOperationException>(() => empty.Peaks()).Message);
        foreach (var t in images) t.Dispose();
    }

    [Fact]
    public void Weakest_images_the_sample_and_examples_across_the_range_are_the_known_ones()
    {
        using var model = Model();
        var images = Images();
        var source = new MemoryImages("bright pixels", images);
        var all = DatasetScan.Run(model, "conv", source, Settings with { Sample = 20 });
        // Channel 1's strongest response is 0.5 + i/50 in images i = 1, 4, …, 19 and the grey 0.5 in every other image; the
        // weakest are those at 0.5, ties by image index.
        Assert.Equal([0, 2, 3], all.Weakest[1].Select(e => e.Image));
        Assert.All(all.Weakest[1], e => Assert.Equal(0.5f, e.Activation));
        // Nearest rank over the 20 images: the 13 at 0.5 (0, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18), then 1, 4, 7, 10, 13, 16, 19.
        var spread = all.Spread(1, [0, 50, 90, 100]);
        Assert.Equal([0, 14, 13, 19], spread.Select(e => e.Image));
        Assert.Equal(0.5f + 13 / 50f, spread[2].Activation, 5);
        Assert.Equal((13 % 8, 3 * 13 % 8), (spread[2].Y, spread[2].X));
        Assert.Contains("0 to 100", Assert.Throws<ArgumentOutOfRangeException>(() => all.Spread(1, [101])).Message);
        Assert.Contains("Sample = 0", Assert.Throws<InvalidOperationException>(() =>
            DatasetScan.Run(model, "conv", source, Settings with { Sample = 0 }).Spread(1, [50])).Message);

        // The sample of 5 is the five images whose ids hash lowest (FNV-1a, checked on its published test vectors).
        Assert.Equal(0xcbf29ce484222325UL, ScanResult.SampleHash(""));
        Assert.Equal(0xaf63dc4c8601ec8cUL, ScanResult.SampleHash("a"));
        var five = DatasetScan.Run(model, "conv", source, Settings);
        var lowest = Enumerable.Range(0, 20).OrderBy(i => ScanResult.SampleHash($"{i}")).Take(5).ToList();
        Assert.Equal(lowest, five.Sample.Select(s => s.Image));
        var byHand = stack(images).amax([2, 3]);                       // [20, 3]: each image's strongest value per channel
        foreach (var s in five.Sample) Assert.Equal(byHand[s.Image].data<float>().ToArray(), s.Maxima);
        foreach (var t in images) t.Dispose();
    }

    [Fact]
    public void Shards_merge_into_exactly_one_pass_and_a_resumed_scan_equals_one_pass()
    {
        using var model = Model();
        var images = Images();
        var source = new MemoryImages("bright pixels", images);
        var whole = DatasetScan.Run(model, "conv", source, Settings);
        var shards = Enumerable.Range(0, 3).Select(i => DatasetScan.Run(model, "conv", source, Settings, new Shard(i, 3))).ToList();
        Assert.Equal([(0, 6), (6, 13), (13, 20)], shards.Select(s => (s.Scanned[0][0], s.Scanned[0][1])));
        var merged = ScanResult.MergeAll(shards);
        Assert.Equal(whole.ToJson(), merged.ToJson());
        Assert.Contains("overlap", Assert.Throws<InvalidOperationException>(() => shards[0].Merge(shards[0])).Message);

        // Interrupted after the second batch (8 images), then resumed from the checkpoint.
        var checkpoint = Path.Combine(TestPaths.Temp("scan"), "conv.checkpoint.json");
        using var cts = new CancellationTokenSource();
        var progress = new SynchronousProgress<ScanProgress>(p => { if (p.Done == 8) cts.Cancel(); });
        Assert.Throws<OperationCanceledException>(() => DatasetScan.Run(model, "conv", source, Settings, checkpointPath: checkpoint, progress: progress, cancellation: cts.Token));
        Assert.True(File.Exists(checkpoint));
        int resumedFrom = -1;
        var resumed = DatasetScan.Run(model, "conv", source, Settings, checkpointPath: checkpoint, progress: new SynchronousProgress<ScanProgress>(p
            => { if (resumedFrom < 0) resumedFrom = p.Done; }));
        Assert.Equal(12, resumedFrom);                     // the first report after resuming is after images 8..11
        Assert.Equal(whole.ToJson(), resumed.ToJson());
        // A different scan refuses the checkpoint rather than mixing results.
        Assert.Contains("another scan", Assert.Throws<InvalidOperationException>(() => DatasetScan.Run(model, "conv", source, Settings with { TopK = 2 },
            checkpointPath: checkpoint)).Message);
        foreach (var t in images) t.Dispose();
    }

    [Fact]
    public void A_folder_scan_skips_and_reports_unreadable_files()
    {
        var dir = TestPaths.Temp("scan-folder");
        var images = Images();
        for (int i = 0; i < 5; i++) ImageIO.Save(images[i], Path.Combine(dir, $"img{i}.png"));
        File.WriteAllBytes(Path.Combine(dir, "broken.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "not an image");
        using var model = Model();
        var source = new FolderImages(dir);
        Assert.Equal(6, source.Count);
        var result = DatasetScan.Run(model, "conv", source, Settings);
        var skipped = Assert.Single(result.Skipped);
        Assert.Equal("broken.png", skipped.ImageId);
        Assert.Contains("broken.png", skipped.Reason);
        Assert.Equal("img4.png", result.Top[1][0].ImageId);   // the brightest channel-1 pixel among images 0–4 is image 4
        foreach (var t in images) t.Dispose();
    }

    [Fact]
    public void Shards_and_settings_are_checked()
    {
        Assert.Equal(new Shard(3, 16), Shard.Parse("3/16"));
        Assert.Contains("'i/n'", Assert.Throws<FormatException>(() => Shard.Parse("4/4")).Message);
        Assert.Equal((0, 0), new Shard(0, 3).Range(2));
        Assert.Equal((1, 2), new Shard(2, 3).Range(2));
        Assert.Contains("at least one example", Assert.Throws<ArgumentOutOfRangeException>(() => new ScanSettings(TopK: 0).Validate()).Message);
    }
}
