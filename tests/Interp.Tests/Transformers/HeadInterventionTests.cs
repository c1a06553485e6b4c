using Interp.Hooks;
using Interp.Models.Vit;
using Interp.Transformers;
using static TorchSharp.torch;

namespace Interp.Tests.Transformers;

/// <summary>Head ablation and activation patching: exact no-ops, equivalence to editing weights, hooks removed after a throw, bad input.</summary>
public class HeadInterventionTests
{
    static readonly VitSettings Tiny = new(ImageSize: 8, Patch: 4, Width: 8, Layers: 2, Heads: 2, MlpRatio: 2, OutputDim: 3);

    static Tensor Images(int seed, int n = 3) => rand([n, 3, 8, 8], generator: new Generator().manual_seed(seed));

    static HookedModel Hooked(VitImageTower tower) => new("tiny-vit", tower, new InputConvention(8, "identity"));

    [Fact]
    public void Zero_ablating_a_head_equals_removing_its_slice_of_the_output_matrix()
    {
        using var tower = new VitImageTower("visual", Tiny, seed: 1);
        using var model = Hooked(tower);
        using var images = Images(2);
        Tensor ablated;
        using (HeadAblation.Ablate(model, [(1, 0)]))
            ablated = model.Forward(images);
        Assert.Equal(0, model.ActiveHookCount);
        using (no_grad())
            tower.Blocks[1].Attention.Maps.O.weight![.., 0..4].zero_();         // head 0's columns of W_O (head width 4)
        using var edited = model.Forward(images);
        Assert.True(ablated.allclose(edited, rtol: 1e-5, atol: 1e-6));
        ablated.Dispose();
    }

    [Fact]
    public void Mean_ablation_with_the_means_of_one_picture_on_that_picture_changes_nothing()
    {
        using var tower = new VitImageTower("visual", Tiny, seed: 2);
        using var model = Hooked(tower);
        using var image = Images(3, n: 1);
        using var means = HeadAblation.MeanResults(model, image);
        Assert.Equal([2L, 5, 2, 8], means.shape);
        using var plain = model.Forward(image);
        using (HeadAblation.Ablate(model, [(0, 0), (0, 1), (1, 1)], AblationKind.Mean, means))
        using (var same = model.Forward(image))
            Assert.True(same.allclose(plain, rtol: 1e-6, atol: 1e-6));
        Assert.Contains("needs the heads' means", Assert.Throws<ArgumentException>(() => HeadAblation.Ablate(model, [(0, 0)], AblationKind.Mean)).Message);
        var head = Assert.Throws<ArgumentOutOfRangeException>(() => HeadAblation.Ablate(model, [(1, 2)]));
        Assert.Contains("block 1 has heads 0–1", head.Message);
        Assert.Contains("blocks are 0–1", Assert.Throws<ArgumentOutOfRangeException>(() => HeadAblation.Ablate(model, [(2, 0)])).Message);
        Assert.Equal(0, model.ActiveHookCount);
    }

    [Fact]
    public void Patching_clean_into_clean_changes_nothing_and_patching_into_the_corrupted_run_restores_at_the_first_block()
    {
        using var tower = new VitImageTower("visual", Tiny, seed: 3);
        using var model = Hooked(tower);
        using var clean = Images(4);
        using var corrupted = Images(5);
        using var cleanOut = model.Forward(clean);
        using var corruptedOut = model.Forward(corrupted);
        double Distance(Tensor output) => (output - cleanOut).norm().item<float>();
        var same = ActivationPatching.ByHead(model, clean, clean, Distance);
        Assert.All(same.Cast<double>(), d => Assert.Equal(0.0, d));
        // Patching every token entering block 0 is the clean run itself; one token moves the output part of the way.
        var byPosition = ActivationPatching.ByPosition(model, clean, corrupted, Distance);
        Assert.Equal(new[] { 2, 5 }, new[] { byPosition.GetLength(0), byPosition.GetLength(1) });
        double before = Distance(corruptedOut);
        Assert.All(Enumerable.Range(0, 5), t => Assert.True(byPosition[0, t] < before + 1e-6));
        Assert.Equal(0, model.ActiveHookCount);
    }

    [Fact]
    public void Hooks_are_gone_after_a_metric_throws_and_pairs_of_different_shapes_are_refused()
    {
        using var tower = new VitImageTower("visual", Tiny, seed: 4);
        using var model = Hooked(tower);
        using var clean = Images(6);
        Assert.Throws<InvalidOperationException>(() => ActivationPatching.ByHead(model, clean, clean, _ => throw new InvalidOperationException("metric")));
        Assert.Equal(0, model.ActiveHookCount);
        using var fewer = Images(7, n: 2);
        var error = Assert.Throws<ArgumentException>(() => ActivationPatching.ByPosition(model, clean, fewer, _ => 0));
        Assert.Contains("clean [3, 3, 8, 8] and corrupted [2, 3, 8, 8]", error.Message);
    }
}
