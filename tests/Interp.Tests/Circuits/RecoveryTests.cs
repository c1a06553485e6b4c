using Interp.Circuits;
using static TorchSharp.torch;

namespace Interp.Tests.Circuits;

public class RecoveryTests
{
    [Fact]
    public void A_replacement_that_does_nothing_recovers_nothing_and_no_ablation_at_all_recovers_everything()
    {
        using var model = TinyNets.Model(seed: 11);
        using var images = rand([6, 3, 16, 16], generator: new Generator().manual_seed(12));
        var settings = new RecoverySettings(TopUnits: 5, BatchSize: 4, Resamples: 200);

        var same = Recovery.Features(model, images, () => UnitEdits.Zero(model, "relu1", [0]), () => UnitEdits.Zero(model, "relu1", [0]), settings);
        Assert.All(same.Measures, m => Assert.Equal(0, m.Recovered.Value, 12));
        Assert.True(same["feature cosine"].AblatedMean.Value < 0.999, "zeroing a channel of relu1 must change the output");

        var restored = Recovery.Features(model, images, () => UnitEdits.Zero(model, "relu1", [0]), () => new HookHandleNoop(), settings);
        Assert.Equal(1, restored["feature cosine"].Recovered.Value, 12);
        Assert.Equal(1, restored["top-5 units"].Recovered.Value, 12);
        Assert.All(restored["feature cosine"].Replaced, v => Assert.Equal(1, v, 12));
        Assert.Equal(0, model.ActiveHookCount);

        // Several replacements share the original and ablated runs: each report equals the one measured alone.
        var both = Recovery.Features(model, images, () => UnitEdits.Zero(model, "relu1", [0]),
            [("same", () => UnitEdits.Zero(model, "relu1", [0])), ("nothing", () => new HookHandleNoop())], settings);
        Assert.Equal(["same", "nothing"], both.Select(r => r.Replacement));
        Assert.Equal(same["feature cosine"].Ablated, both[1]["feature cosine"].Ablated);
        Assert.Equal(restored["top-5 units"].Recovered, both[1]["top-5 units"].Recovered);
        Assert.Equal(same["feature cosine"].Recovered, both[0]["feature cosine"].Recovered);
        Assert.Equal(0, model.ActiveHookCount);
    }

    [Fact]
    public void Scores_match_direct_computations_and_the_bootstrap_is_reproducible()
    {
        using var a = tensor(new double[] { 5, 4, 3, 2, 1, 1, 0, 0, 0, 2 }, [2, 5]);
        using var b = tensor(new double[] { 1, 2, 3, 4, 5, 1, 0, 0, 0, 2 }, [2, 5]);
        Assert.Equal([1 / 3.0, 1.0], Recovery.TopOverlap(a, b, 3));
        Assert.Equal([0.0, 1.0], Recovery.Contains(a, b, 1));
        Assert.Equal([0.0, 1.0], Recovery.Contains(a, b, 2));
        Assert.Equal([1.0, 1.0], Recovery.Contains(a, b, 5));
        double dot = 5 * 1 + 4 * 2 + 3 * 3 + 2 * 4 + 1 * 5, norm = 25 + 16 + 9 + 4 + 1;
        Assert.Equal(dot / norm, Recovery.Cosine(a, b)[0], 14);
        Assert.Equal(1, Recovery.Cosine(a, b)[1], 14);

        double[] ablated = [0.5, 0.6, 0.7, 0.8], replaced = [0.9, 0.8, 0.9, 0.95];
        var settings = new RecoverySettings(Resamples: 500, Seed: 3);
        var m = Recovery.Summarize("x", ablated, replaced, settings);
        Assert.Equal((replaced.Average() - ablated.Average()) / (1 - ablated.Average()), m.Recovered.Value, 14);
        Assert.Equal(m, Recovery.Summarize("x", ablated, replaced, settings) with { Ablated = ablated, Replaced = replaced });
        Assert.InRange(m.AblatedMean.Value, m.AblatedMean.Low, m.AblatedMean.High);
        Assert.InRange(m.Recovered.Value, m.Recovered.Low, m.Recovered.High);
        Assert.True(m.AblatedMean.Low >= 0.5 && m.AblatedMean.High <= 0.8);
        var constant = Recovery.Summarize("c", [0.5, 0.5, 0.5], [0.75, 0.75, 0.75], settings);
        Assert.Equal(new Interp.Statistics.Estimate(0.5, 0.5, 0.5), constant.Recovered);
        Assert.True(double.IsNaN(Recovery.Summarize("none", [1.0, 1.0], [1.0, 1.0], settings).Recovered.Value));
        Assert.Equal(2.5, Interp.Statistics.Bootstrap.Percentile([4.0, 1.0, 3.0, 2.0], 0.5), 14);
    }

    [Fact]
    public void Bad_input_is_refused_with_what_is_valid()
    {
        using var model = TinyNets.Model();
        using var one = rand([1, 3, 16, 16]);
        Assert.Contains("at least two images", Assert.Throws<ArgumentException>(() => Recovery.Features(model, one, () => new HookHandleNoop(), ()
            => new HookHandleNoop())).Message);
        using var two = rand([2, 3, 16, 16]);
        Assert.Throws<ArgumentOutOfRangeException>(() => Recovery.Features(model, two, () => new HookHandleNoop(), () => new HookHandleNoop(),
            new RecoverySettings(Confidence: 1)));
        Assert.Contains("fewer than the 1000", Assert.Throws<ArgumentException>(() =>
            Recovery.Features(model, two, () => new HookHandleNoop(), () => new HookHandleNoop(), new RecoverySettings(TopUnits: 1000))).Message);
        Assert.Equal(0, model.ActiveHookCount);
    }

    sealed class HookHandleNoop : IDisposable
    {
        public void Dispose() { }
    }
}
