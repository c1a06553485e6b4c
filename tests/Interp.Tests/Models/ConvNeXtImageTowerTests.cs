using Interp.Hooks;
using Interp.Models;
using Interp.Models.ConvNeXt;
using static TorchSharp.torch;

namespace Interp.Tests.Models;

/// <summary>The toy ConvNeXt tower and the patch embedding against references written here in float64.</summary>
public class ConvNeXtImageTowerTests
{
    static readonly ConvNeXtSettings Tiny = new(ImageSize: 16, Stem: 4, Widths: [4, 8], Depths: [1, 2], Kernel: 3, MlpRatio: 2, LayerScale: 0.5, OutputDim: 3);

    static Tensor Images(int n = 2) => rand([n, 3, 16, 16], generator: new Generator().manual_seed(7));

    [Fact]
    public void A_patch_embedding_is_the_strided_convolution_with_the_same_weights()
    {
        using var layer = new PatchEmbedding("embed", 3, 5, 4, hasBias: true);
        using var images = Images();
        var p = layer.named_parameters().ToDictionary(x => x.name, x => x.parameter.detach().to(float64));
        using var want = nn.functional.conv2d(images.to(float64), p["weight"], p["bias"], strides: [4, 4]);
        using var got = layer.call(images);
        Assert.Equal([2L, 5, 4, 4], got.shape);
        Assert.True(got.to(float64).allclose(want, rtol: 1e-5, atol: 1e-6));
        Assert.Contains("multiples of 4", Assert.Throws<ArgumentException>(() => layer.call(rand(1, 3, 10, 10))).Message);
    }

    [Fact]
    public void The_forward_pass_equals_a_reference_written_position_by_position()
    {
        using var tower = new ConvNeXtImageTower("visual", Tiny, seed: 2);
        using (no_grad())
            foreach (var (n, p) in tower.named_parameters().Where(x => x.parameter.ndim == 1))
                p.add_(rand(p.shape, generator: new Generator().manual_seed(n.Length)) * 0.3);     // biases and norms away from 0 and 1
        using var images = Images();
        using var got = tower.call(images);
        using var want = Reference(tower, images);
        Assert.Equal([2L, 3], got.shape);
        Assert.True(got.to(float64).allclose(want, rtol: 1e-5, atol: 1e-5), $"largest difference {(got.to(float64) - want).abs().max().item<double>():G3}");
    }

    [Fact]
    public void Stages_are_hookable_maps_and_a_seed_is_a_model()
    {
        using var tower = new ConvNeXtImageTower("visual", Tiny, seed: 3);
        using var model = new HookedModel("tiny-convnext", tower, new InputConvention(16, "identity"));
        using var images = Images();
        using var cache = model.RunWithCache(images, "stage1", "stage2", "stage2.block1.act");
        Assert.Equal([2L, 4, 4, 4], cache["stage1"].shape);
        Assert.Equal([2L, 8, 2, 2], cache["stage2"].shape);
        Assert.Equal([2L, 2, 2, 16], cache["stage2.block1.act"].shape);            // channels last inside a block
        using var same = new ConvNeXtImageTower("visual", Tiny, seed: 3);
        Assert.All(tower.parameters().Zip(same.parameters()), p => Assert.True(p.First.equal(p.Second).all().item<bool>()));
    }

    [Fact]
    public void Shapes_that_do_not_fit_are_refused_with_what_fits()
    {
        Assert.Contains("stems that fit: 1, 2, 4, 8", Assert.Throws<ArgumentException>(() => (Tiny with { Stem = 3 }).Validate()).Message);
        Assert.Contains("one depth per stage", Assert.Throws<ArgumentException>(() => (Tiny with { Depths = [1] }).Validate()).Message);
        Assert.Contains("odd", Assert.Throws<ArgumentException>(() => (Tiny with { Kernel = 4 }).Validate()).Message);
        using var tower = new ConvNeXtImageTower("visual", Tiny);
        Assert.Contains("[N, 3, 16, 16]", Assert.Throws<ArgumentException>(() => tower.call(rand(1, 3, 12, 12))).Message);
    }

    /// <summary>The tower in float64 from its parameters: patches cut by hand, LayerNorm per position, the depthwise kernel summed tap by tap.</summary>
    static Tensor Reference(ConvNeXtImageTower tower, Tensor images)
    {
        var p = tower.named_parameters().ToDictionary(x => x.name, x => x.parameter.detach().to(float64));
        var s = tower.Settings;
        Tensor Ln(Tensor x, string name, double eps = 1e-6)      // over the last axis
        {
            var mean = x.mean([-1], keepdim: true);
            var variance = (x - mean).pow(2).mean([-1], keepdim: true);
            return (x - mean) / (variance + eps).sqrt() * p[name + ".weight"] + p[name + ".bias"];
        }
        Tensor Patchify(Tensor x, string name, int patch)          // x [H, W, C] → [H/patch, W/patch, out]
        {
            int h = (int)x.shape[0] / patch, w = (int)x.shape[1] / patch;
            var weight = p[name + ".weight"];                   // [out, in, patch, patch]
            var rows = new List<Tensor>();
            for (int i = 0; i < h; i++)
            {
                var cols = new List<Tensor>();
                for (int j = 0; j < w; j++)
                {
                    var cut = x[(i * patch)..((i + 1) * patch), (j * patch)..((j + 1) * patch)].permute(2, 0, 1).reshape(-1);   // [in·patch·patch]
                    cols.Add(weight.reshape(weight.shape[0], -1).matmul(cut) + p[name + ".bias"]);
                }
                rows.Add(stack(cols));
            }
            return stack(rows);
        }
        var outputs = new List<Tensor>();
        for (int b = 0; b < images.shape[0]; b++)
        {
            var x = images[b].to(float64).permute(1, 2, 0);                                  // [H, W, 3], channels last throughout
            x = Ln(Patchify(x, "stem.0", s.Stem), "stem.1");
            for (int stage = 0; stage < s.Widths.Count; stage++)
            {
                string name = $"stage{stage + 1}";
                if (stage > 0) x = Patchify(Ln(x, name + ".downsample.0"), name + ".downsample.1", 2);
                for (int block = 0; block < s.Depths[stage]; block++)
                {
                    string blk = $"{name}.block{block}";
                    int side = (int)x.shape[0], r = s.Kernel / 2;
                    var kernel = p[blk + ".dwconv_weight"];                                   // [C, 1, k, k]
                    var padded = nn.functional.pad(x.permute(2, 0, 1), [r, r, r, r]).permute(1, 2, 0);   // zeros around
                    var conv = zeros_like(x) + p[blk + ".dwconv_bias"];
                    for (int dy = 0; dy < s.Kernel; dy++)
                        for (int dx = 0; dx < s.Kernel; dx++)
                            conv = conv + padded[dy..(dy + side), dx..(dx + side)] * kernel[.., 0, dy, dx];
                    var h = Ln(conv, blk + ".norm").matmul(p[blk + ".pwconv1.weight"].t()) + p[blk + ".pwconv1.bias"];
                    h = 0.5 * h * (1 + (h / Math.Sqrt(2)).erf());
                    h = h.matmul(p[blk + ".pwconv2.weight"].t()) + p[blk + ".pwconv2.bias"];
                    x = x + h * p[blk + ".gamma"];
                }
            }
            outputs.Add(Ln(x.mean([0, 1]), "norm").matmul(p["proj.weight"].t()));
        }
        return stack(outputs);
    }
}
