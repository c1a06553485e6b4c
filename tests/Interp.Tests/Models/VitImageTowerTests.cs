using Interp.Hooks;
using Interp.Models.Vit;
using static TorchSharp.torch;

namespace Interp.Tests.Models;

/// <summary>The toy ViT image tower: TransformerLens hook names, attention patterns, and its forward pass against a reference written here.</summary>
public class VitImageTowerTests
{
    static readonly VitSettings Tiny = new(ImageSize: 8, Patch: 4, Width: 8, Layers: 2, Heads: 2, MlpRatio: 2, OutputDim: 3);

    static Tensor Images(int n = 2) => rand([n, 3, 8, 8], generator: new Generator().manual_seed(6));

    [Fact]
    public void Every_intermediate_has_its_transformer_lens_name()
    {
        using var tower = new VitImageTower("visual", Tiny, seed: 1);
        using var model = new HookedModel("tiny-vit", tower, new InputConvention(8, "identity"));
        foreach (var name in new[] { "embed", "pos_embed", "ln_pre", "ln_post", "blocks.0.hook_resid_pre", "blocks.0.hook_resid_mid", "blocks.1.hook_resid_post",
                     "blocks.1.attn.hook_q", "blocks.1.attn.hook_k", "blocks.1.attn.hook_v", "blocks.1.attn.hook_z", "blocks.1.attn.hook_pattern",
                     "blocks.1.attn.hook_result", "blocks.0.mlp.hook_post" })
            Assert.True(model.HasLayer(name), $"no layer '{name}'");
        using var images = Images();
        using var cache = model.RunWithCache(images, "blocks.0.attn.hook_pattern", "blocks.0.attn.hook_result", "blocks.0.attn.hook_q", "pos_embed");
        Assert.Equal([2L, 2, 5, 5], cache["blocks.0.attn.hook_pattern"].shape);              // [N, heads, tokens, tokens]: 4 patches + class
        Assert.Equal([2L, 5, 2, 8], cache["blocks.0.attn.hook_result"].shape);               // [N, tokens, heads, width]
        Assert.Equal([2L, 5, 2, 4], cache["blocks.0.attn.hook_q"].shape);                    // [N, tokens, heads, d_head]
        using var rows = cache["blocks.0.attn.hook_pattern"].sum(-1);
        Assert.True(rows.allclose(ones_like(rows), rtol: 1e-6, atol: 1e-6));
    }

    [Fact]
    public void The_forward_pass_equals_a_reference_computed_token_by_token_and_head_by_head()
    {
        using var tower = new VitImageTower("visual", Tiny, seed: 2);
        using var images = Images();
        using var got = tower.call(images);
        using var want = Reference(tower, images);
        Assert.Equal([2L, 3], got.shape);
        Assert.True(got.to(float64).allclose(want, rtol: 1e-5, atol: 1e-5), $"largest difference {(got.to(float64) - want).abs().max().item<double>():G3}");
    }

    [Fact]
    public void Each_heads_result_summed_with_the_bias_is_the_attention_output_and_a_seed_is_a_model()
    {
        using var tower = new VitImageTower("visual", Tiny, seed: 3);
        using var model = new HookedModel("tiny-vit", tower, new InputConvention(8, "identity"));
        using var images = Images();
        Tensor? output = null;
        using (model.Hook("blocks.0.attn", t => { output = t.detach().clone().DetachFromDisposeScope(); return null; }))   // kept past the forward's scope
        using (var cache = model.RunWithCache(images, "blocks.0.attn.hook_result"))
        {
            var summed = cache["blocks.0.attn.hook_result"].sum(2) + tower.Blocks[0].Attention.Maps.O.bias!;
            Assert.True(summed.allclose(output!, rtol: 1e-6, atol: 1e-6));
        }
        output!.Dispose();
        using var same = new VitImageTower("visual", Tiny, seed: 3);
        using var other = new VitImageTower("visual", Tiny, seed: 4);
        Assert.All(tower.parameters().Zip(same.parameters()), p => Assert.True(p.First.equal(p.Second).all().item<bool>()));
        Assert.Contains(tower.parameters().Zip(other.parameters()), p => p.First.ndim >= 2 && !p.First.equal(p.Second).all().item<bool>());
    }

    [Fact]
    public void Patching_a_head_with_its_own_clean_value_changes_nothing_and_ablating_it_changes_the_embedding()
    {
        using var tower = new VitImageTower("visual", Tiny, seed: 5);
        using var model = new HookedModel("tiny-vit", tower, new InputConvention(8, "identity"));
        using var images = Images();
        using var clean = model.RunWithCache(images, "blocks.1.attn.hook_result");
        using var plain = model.Forward(images);
        var cleanResult = clean["blocks.1.attn.hook_result"];
        using (var patched = model.RunWithHooks(images, ("blocks.1.attn.hook_result", t => { var u = t.clone(); u[.., .., 1] = cleanResult[.., .., 1]; return u; })))
            Assert.True(patched.equal(plain).all().item<bool>());
        using (var ablated = model.RunWithHooks(images, ("blocks.1.attn.hook_result", t => { var u = t.clone(); u[.., .., 1] = 0; return u; })))
            Assert.False(ablated.allclose(plain));
        Assert.Equal(0, model.ActiveHookCount);
    }

    [Fact]
    public void Shapes_that_do_not_fit_are_refused_with_what_fits()
    {
        var patch = Assert.Throws<ArgumentException>(() => new VitSettings(ImageSize: 64, Patch: 7).Validate());
        Assert.Contains("1, 2, 4, 8, 16, 32, 64", patch.Message);
        Assert.Contains("3 heads do not divide a width of 128", Assert.Throws<ArgumentException>(() => new VitSettings(Heads: 3).Validate()).Message);
        using var tower = new VitImageTower("visual", Tiny);
        using var wrong = rand([1, 3, 12, 12]);
        var size = Assert.Throws<ArgumentException>(() => tower.call(wrong));
        Assert.Contains("[N, 3, 8, 8]", size.Message);
        Assert.Contains("2×2 patches of 4 px", size.Message);
    }

    /// <summary>The tower's computation written out in float64 from its parameters: patches cut by hand, LayerNorm, softmax and heads one by one.</summary>
    static Tensor Reference(VitImageTower tower, Tensor images)
    {
        var p = tower.named_parameters().ToDictionary(x => x.name, x => x.parameter.detach().to(float64));
        var s = tower.Settings;
        int n = (int)images.shape[0], grid = s.Grid, d = s.HeadWidth;
        Tensor Ln(Tensor x, string name)
        {
            var mean = x.mean([-1], keepdim: true);
            var variance = (x - mean).pow(2).mean([-1], keepdim: true);
            return (x - mean) / (variance + 1e-5).sqrt() * p[name + ".weight"] + p[name + ".bias"];
        }
        Tensor Linear(Tensor x, string name) => x.matmul(p[name + ".weight"].t()) + p[name + ".bias"];
        var x64 = images.to(float64);
        var outputs = new List<Tensor>();
        for (int b = 0; b < n; b++)
        {
            var tokens = new List<Tensor> { p["class_embedding"] };
            for (int r = 0; r < grid; r++)
                for (int c = 0; c < grid; c++)
                {
                    var patch = x64[b, .., (r * s.Patch)..((r + 1) * s.Patch), (c * s.Patch)..((c + 1) * s.Patch)].reshape(-1);      // [3·P·P]
                    tokens.Add(p["embed.weight"].reshape(s.Width, -1).matmul(patch));
                }
            var h = Ln(stack(tokens) + p["positional_embedding"], "ln_pre");                                                     // [T, W]
            for (int l = 0; l < s.Layers; l++)
            {
                string blk = $"blocks.{l}";
                var a = Ln(h, blk + ".ln_1");
                var q = Linear(a, blk + ".attn.W_Q");
                var k = Linear(a, blk + ".attn.W_K");
                var v = Linear(a, blk + ".attn.W_V");
                var heads = new List<Tensor>();
                for (int head = 0; head < s.Heads; head++)
                {
                    var cols = TensorIndex.Slice(head * d, (head + 1) * d);
                    var scores = q[.., cols].matmul(k[.., cols].t()) / Math.Sqrt(d);
                    var e = (scores - scores.max(-1, keepdim: true).values).exp();
                    heads.Add((e / e.sum(-1, keepdim: true)).matmul(v[.., cols]));
                }
                h = h + Linear(cat(heads, 1), blk + ".attn.W_O");
                var m = Linear(Ln(h, blk + ".ln_2"), blk + ".mlp.c_fc");
                m = 0.5 * m * (1 + (m / Math.Sqrt(2)).erf());
                h = h + Linear(m, blk + ".mlp.c_proj");
            }
            outputs.Add(Ln(h[0], "ln_post").matmul(p["proj"]));
        }
        return stack(outputs);
    }
}
