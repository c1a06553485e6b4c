using Interp.Circuits;
using static TorchSharp.torch;

namespace Interp.Tests.Circuits;

public class ActivationPatchingTests
{
    static double Metric(Tensor output) => output[0, 0, 8, 8].item<float>();

    [Fact]
    public void Patching_a_run_with_its_own_activation_changes_nothing_and_a_full_patch_restores_the_clean_metric()
    {
        using var model = TinyNets.Model();
        using var clean = rand([1, 3, 16, 16], generator: new Generator().manual_seed(1));
        using var corrupted = rand([1, 3, 16, 16], generator: new Generator().manual_seed(2));
        var self = ActivationPatching.Channels(model, clean, clean, "relu2", Metric);
        Assert.All(self.Patches, p => Assert.Equal(self.Clean, p.Metric));       // exactly
        var report = ActivationPatching.Channels(model, clean, corrupted, "relu2", Metric);
        Assert.NotEqual(report.Clean, report.Corrupted);
        // relu2 feeds conv3 alone (no residual): patching both channels' maps is the clean run downstream. Patching
        // channels one at a time and positions one at a time add up to the same total effect, since conv3 is linear.
        double sum = report.Patches.Sum(p => p.Metric - report.Corrupted);
        Assert.Equal(report.Clean - report.Corrupted, sum, 4);
        var positions = ActivationPatching.Positions(model, clean, corrupted, "relu2", Metric);
        Assert.Equal(256, positions.Patches.Count);
        Assert.Equal(report.Clean - report.Corrupted, positions.Patches.Sum(p => p.Metric - positions.Corrupted), 4);
        // Only positions within conv3's 3×3 window around (8, 8) matter.
        Assert.All(positions.Patches.Where(p => Math.Abs(p.Y!.Value - 8) > 1 || Math.Abs(p.X!.Value - 8) > 1), p => Assert.Equal(positions.Corrupted, p.Metric));
        Assert.Equal(1.0, report.Recovered(report.Patches[0] with { Metric = report.Clean }), 12);
        Assert.Equal(0, model.ActiveHookCount);
    }

    [Fact]
    public void A_metric_on_a_later_layer_stops_the_model_there()
    {
        using var model = TinyNets.Model();
        using var clean = rand([1, 3, 16, 16], generator: new Generator().manual_seed(3));
        using var corrupted = rand([1, 3, 16, 16], generator: new Generator().manual_seed(4));
        var viaLayer = ActivationPatching.Channels(model, clean, corrupted, "relu1", t => t[0, 0, 8, 8].item<float>(), metricLayer: "conv2");
        using var cleanCache = model.RunWithCache(clean, "conv2");
        Assert.Equal(cleanCache["conv2"][0, 0, 8, 8].item<float>(), viaLayer.Clean);
        Assert.Contains("0..1", Assert.Throws<ArgumentOutOfRangeException>(() => ActivationPatching.Channels(model, clean, corrupted, "relu1", Metric, [5])).Message);
        Assert.Equal(0, model.ActiveHookCount);
    }

    [Fact]
    public void Batched_patches_give_the_metrics_of_one_run_per_patch_and_positions_can_be_chosen()
    {
        using var model = TinyNets.Model(residual: true, seed: 9);
        using var clean = rand([2, 3, 16, 16], generator: new Generator().manual_seed(5));
        using var corrupted = rand([2, 3, 16, 16], generator: new Generator().manual_seed(6));
        static double Both(Tensor output) => output[0, 1, 7, 7].item<float>() - output[1, 0, 9, 6].item<float>();
        var single = ActivationPatching.Channels(model, clean, corrupted, "relu1", Both);
        var batched = ActivationPatching.Channels(model, clean, corrupted, "relu1", Both, batchSize: 3);
        Assert.Equal(single.Patches.Select(p => p.Channel), batched.Patches.Select(p => p.Channel));
        Assert.All(single.Patches.Zip(batched.Patches), p => Assert.Equal(p.First.Metric, p.Second.Metric, 4));

        (int, int)[] chosen = [(7, 7), (0, 15), (9, 6), (8, 8), (3, 4)];
        var some = ActivationPatching.Positions(model, clean, corrupted, "relu1", Both, at: chosen, batchSize: 2);
        var all = ActivationPatching.Positions(model, clean, corrupted, "relu1", Both);
        Assert.Equal(chosen, some.Patches.Select(p => (p.Y!.Value, p.X!.Value)));
        Assert.All(some.Patches, p => Assert.Equal(all.Patches.Single(q => q.Y == p.Y && q.X == p.X).Metric, p.Metric, 4));
        Assert.Contains("rows 0..15", Assert.Throws<ArgumentOutOfRangeException>(() => ActivationPatching.Positions(model, clean, corrupted, "relu1", Both, at: [(16,
            0)])).Message);
        Assert.Equal(0, model.ActiveHookCount);
    }
}
