using Interp.Hooks;
using Interp.Models.Vit;
using Interp.Transformers;
using static TorchSharp.torch;

namespace Interp.Tests.Transformers;

/// <summary>The embedding decomposition, the logit lens and the tuned lens on tiny towers, against hand computations.</summary>
public class DirectLogitAttributionTests
{
    static readonly VitSettings Tiny = new(ImageSize: 8, Patch: 4, Width: 8, Layers: 2, Heads: 2, MlpRatio: 2, OutputDim: 3);

    static Tensor Images(int n = 3, int seed = 6) => rand([n, 3, 8, 8], generator: new Generator().manual_seed(seed));

    static HookedModel Hooked(VitImageTower tower) => new("tiny-vit", tower, new InputConvention(8, "identity"));

    /// <summary>Biases and LayerNorm parameters away from 0 and 1, so that every term of the decomposition is exercised.</summary>
    static void Perturb(VitImageTower tower)
    {
        using var _ = no_grad();
        foreach (var (n, p) in tower.named_parameters().Where(x => x.parameter.ndim == 1))
            p.add_(rand(p.shape, generator: new Generator().manual_seed(n.Length)) * 0.5);
    }

    [Fact]
    public void The_terms_sum_to_the_embedding_and_their_logits_to_the_models_logits()
    {
        using var tower = new VitImageTower("visual", Tiny, seed: 1);
        Perturb(tower);
        using var model = Hooked(tower);
        using var images = Images();
        using var parts = DirectLogitAttribution.Decompose(model, images);
        Assert.Equal(1 + 2 * (2 + 2), parts.Names.Count);                       // embed; per block 2 heads, the bias, the MLP
        Assert.Equal("blocks.1.attn.head0", parts.Names[parts.HeadIndex(1, 0)]);
        using var plain = model.Forward(images);
        using var sum = parts.Sum();
        double relative = ((sum - plain).norm() / plain.norm()).item<float>();
        Assert.True(relative <= 1e-5, $"the terms sum to the embedding within {relative:G3} (relative)");
        using var byToken = parts.HeadsByToken.sum(3);                          // over tokens: each head's term
        for (int l = 0; l < 2; l++)
            for (int h = 0; h < 2; h++)
                Assert.True(byToken[.., l, h].allclose(parts.Terms[.., parts.HeadIndex(l, h)], rtol: 1e-5, atol: 1e-6));

        using var classes = nn.functional.normalize(randn(4, 3, generator: new Generator().manual_seed(2)), dim: 1);
        using var logits = 7.0 * nn.functional.normalize(plain, dim: 1).matmul(classes.t());
        using var summed = parts.Logits(classes, 7.0).sum(1) + parts.BiasLogits(classes, 7.0);
        Assert.True(summed.allclose(logits, rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void Margins_are_each_components_correct_logit_over_the_mean_logit_for_shared_and_per_picture_classes()
    {
        using var tower = new VitImageTower("visual", Tiny, seed: 5);
        Perturb(tower);
        using var model = Hooked(tower);
        using var images = Images(4, seed: 9);
        using var parts = DirectLogitAttribution.Decompose(model, images);
        using var classes = nn.functional.normalize(randn(3, 3, generator: new Generator().manual_seed(4)), dim: 1);
        int[] labels = [2, 0, 1, 2];
        var margins = parts.Margins(classes, 5.0, labels);
        Assert.Equal(parts.Names.Count, margins.Length);
        // By hand, in float64 from the model's own embedding: term · (class_label − mean class) · scale / |embedding|, averaged.
        var terms = parts.Terms.to(float64);
        var norms = parts.Embeddings.to(float64).norm(1);
        var c = classes.to(float64);
        for (int component = 0; component < margins.Length; component++)
        {
            double want = Enumerable.Range(0, 4).Average(i =>
                (terms[i, component].dot(c[labels[i]] - c.mean([0L])) * 5.0 / norms[i]).item<double>());
            Assert.True(Math.Abs(margins[component] - want) <= 1e-5 * (1 + Math.Abs(want)), $"{parts.Names[component]}: {margins[component]} ≠ {want}");
        }
        // Margins plus the bias's equal the model's own mean margin.
        using var logits = 5.0 * nn.functional.normalize(model.Forward(images), dim: 1).matmul(classes.t());
        double modelMargin = Enumerable.Range(0, 4).Average(i => (logits[i, labels[i]] - logits[i].mean()).item<float>());
        using var bias = parts.BiasLogits(classes, 5.0);
        double biasMargin = Enumerable.Range(0, 4).Average(i => (bias[i, labels[i]] - bias[i].mean()).item<float>());
        Assert.Equal(modelMargin, margins.Sum() + biasMargin, 4);
        // The same classes given per picture [N, K, D] give the same margins; picture 0 given its classes in reverse order reads its
        // label 2 as class 0's direction, so the margins become those with picture 0 labelled 0.
        using var perPicture = classes.unsqueeze(0).expand(4, -1, -1).contiguous();
        Assert.Equal(margins, parts.Margins(perPicture, 5.0, labels), (a, b) => Math.Abs(a - b) <= 1e-6);
        using var reversed = perPicture.clone();
        using (no_grad()) reversed[0] = classes.flip(0);
        Assert.Equal(parts.Margins(classes, 5.0, [0, 0, 1, 2]), parts.Margins(reversed, 5.0, labels), (a, b) => Math.Abs(a - b) <= 1e-6);
        Assert.NotEqual(margins, parts.Margins(reversed, 5.0, labels), (a, b) => Math.Abs(a - b) <= 1e-6);
    }

    [Fact]
    public void A_heads_read_share_is_the_marked_patches_part_of_its_terms_size_over_the_patches()
    {
        using var tower = new VitImageTower("visual", Tiny, seed: 5);
        Perturb(tower);
        using var model = Hooked(tower);
        using var images = Images(2, seed: 3);
        using var parts = DirectLogitAttribution.Decompose(model, images);       // a 2×2 grid: 4 patches and the class token
        using var mask = tensor(new[] { true, false, false, true, false, false, false, false }).view(2, 4);
        var share = parts.ReadShare(1, 0, mask);
        for (int i = 0; i < 2; i++)
        {
            var sizes = Enumerable.Range(1, 4).Select(t => parts.HeadsByToken[i, 1, 0, t].to(float64).norm().item<double>()).ToArray();
            double want = i == 0 ? (sizes[0] + sizes[3]) / sizes.Sum() : 0;
            Assert.Equal(want, share[i], 6);
        }
        Assert.True(share[0] is > 0 and < 1);
        using var all = ones(2, 4, dtype: ScalarType.Bool);
        Assert.All(parts.ReadShare(0, 1, all), s => Assert.Equal(1, s, 9));
        Assert.Contains("bool [2, 4]", Assert.Throws<ArgumentException>(() => parts.ReadShare(0, 1, ones(2, 5, dtype: ScalarType.Bool))).Message);
        Assert.Contains("bool [2, 4]", Assert.Throws<ArgumentException>(() => parts.ReadShare(0, 1, ones(2, 4))).Message);
        Assert.Contains("blocks 0–1, heads 0–1", Assert.Throws<ArgumentOutOfRangeException>(() => parts.ReadShare(0, 2, all)).Message);
    }

    [Fact]
    public void Margins_refuse_labels_and_class_embeddings_that_do_not_fit_saying_what_does()
    {
        using var tower = new VitImageTower("visual", Tiny, seed: 5);
        using var model = Hooked(tower);
        using var images = Images(2);
        using var parts = DirectLogitAttribution.Decompose(model, images);
        using var classes = nn.functional.normalize(randn(3, 3), dim: 1);
        Assert.Contains("3 labels for 2 pictures", Assert.Throws<ArgumentException>(() => parts.Margins(classes, 1, [0, 1, 2])).Message);
        Assert.Contains("classes are 0–2", Assert.Throws<ArgumentOutOfRangeException>(() => parts.Margins(classes, 1, [0, 3])).Message);
        Assert.Contains("classes are 0–2", Assert.Throws<ArgumentOutOfRangeException>(() => parts.Margins(classes, 1, [-1, 0])).Message);
        using var wrongWidth = randn(3, 4);
        Assert.Contains("[K, 3] (shared) or [2, K, 3]", Assert.Throws<ArgumentException>(() => parts.Margins(wrongWidth, 1, [0, 1])).Message);
        using var wrongCount = randn(5, 3, 3);
        Assert.Contains("got [5, 3, 3]", Assert.Throws<ArgumentException>(() => parts.Logits(wrongCount, 1)).Message);
    }

    [Fact]
    public void Each_heads_term_equals_a_hand_computation_on_a_one_block_two_head_model_with_set_weights()
    {
        var settings = new VitSettings(ImageSize: 4, Patch: 2, Width: 4, Layers: 1, Heads: 2, MlpRatio: 1, OutputDim: 2);
        using var tower = new VitImageTower("visual", settings);
        using (no_grad())                                                       // every parameter set by a formula, not drawn
            foreach (var (n, p) in tower.named_parameters())
            {
                int i = n.Length;
                p.copy_(sin(arange(p.numel(), dtype: float32) * 0.7 + i).reshape(p.shape) * (n.Contains("ln_", StringComparison.Ordinal) ? 0.3 : 0.8)
                    + (n.Contains("ln_", StringComparison.Ordinal) && n.EndsWith("weight", StringComparison.Ordinal) ? 1 : 0));
            }
        using var model = Hooked(tower);
        using var images = rand([2, 3, 4, 4], generator: new Generator().manual_seed(3));
        using var parts = DirectLogitAttribution.Decompose(model, images);
        var w = tower.named_parameters().ToDictionary(x => x.name, x => x.parameter.detach().to(float64));
        for (int b = 0; b < 2; b++)
        {
            // The forward pass by hand, in float64: 4 patches and the class token, one block.
            var x = images[b].to(float64);
            var tokens = new List<Tensor> { w["class_embedding"] };
            foreach (var (r, c) in new[] { (0, 0), (0, 1), (1, 0), (1, 1) })
                tokens.Add(w["embed.weight"].reshape(4, -1).matmul(x[.., (2 * r)..(2 * r + 2), (2 * c)..(2 * c + 2)].reshape(-1)));
            var resid = Ln(stack(tokens) + w["positional_embedding"], w, "ln_pre");
            var a = Ln(resid, w, "blocks.0.ln_1");
            Tensor Lin(Tensor t, string name) => t.matmul(w[name + ".weight"].t()) + w[name + ".bias"];
            var (q, k, v) = (Lin(a, "blocks.0.attn.W_Q"), Lin(a, "blocks.0.attn.W_K"), Lin(a, "blocks.0.attn.W_V"));
            var headOutputs = new List<Tensor>();
            for (int h = 0; h < 2; h++)
            {
                var cols = TensorIndex.Slice(2 * h, 2 * h + 2);
                var pattern = (q[0, cols].matmul(k[.., cols].t()) / Math.Sqrt(2)).softmax(0);                 // the class token's row
                headOutputs.Add(pattern.matmul(v[.., cols]).matmul(w["blocks.0.attn.W_O.weight"][.., cols].t()));   // z_h W_O,h
            }
            var mid = resid[0] + headOutputs[0] + headOutputs[1] + w["blocks.0.attn.W_O.bias"];
            var midAll = resid + AttentionAll(a, w);
            var hidden = Lin(Ln(midAll, w, "blocks.0.ln_2"), "blocks.0.mlp.c_fc");
            var final = mid + Lin(0.5 * hidden * (1 + (hidden / Math.Sqrt(2)).erf()), "blocks.0.mlp.c_proj")[0];
            var sigma = (final.var(0, unbiased: false) + 1e-5).sqrt();
            for (int h = 0; h < 2; h++)
            {
                var head = headOutputs[h];
                var want = ((head - head.mean()) / sigma * w["ln_post.weight"]).matmul(w["proj"]);
                var got = parts.Terms[b, parts.HeadIndex(0, h)].to(float64);
                Assert.True(got.allclose(want, rtol: 1e-5, atol: 1e-6), $"picture {b}, head {h}: off by {(got - want).abs().max().item<double>():G3}");
            }
        }
    }

    static Tensor Ln(Tensor x, Dictionary<string, Tensor> w, string name)
    {
        var mean = x.mean([-1], keepdim: true);
        return (x - mean) / ((x - mean).pow(2).mean([-1], keepdim: true) + 1e-5).sqrt() * w[name + ".weight"] + w[name + ".bias"];
    }

    static Tensor AttentionAll(Tensor a, Dictionary<string, Tensor> w)
    {
        Tensor Lin(Tensor t, string name) => t.matmul(w[name + ".weight"].t()) + w[name + ".bias"];
        var (q, k, v) = (Lin(a, "blocks.0.attn.W_Q"), Lin(a, "blocks.0.attn.W_K"), Lin(a, "blocks.0.attn.W_V"));
        var heads = Enumerable.Range(0, 2).Select(h =>
        {
            var cols = TensorIndex.Slice(2 * h, 2 * h + 2);
            return (q[.., cols].matmul(k[.., cols].t()) / Math.Sqrt(2)).softmax(1).matmul(v[.., cols]);
        }).ToList();
        return Lin(cat(heads, 1), "blocks.0.attn.W_O");
    }

    [Fact]
    public void The_logit_lens_at_the_last_depth_is_the_models_embedding_and_the_tuned_lens_learns_the_identity_there()
    {
        using var tower = new VitImageTower("visual", Tiny, seed: 4);
        Perturb(tower);
        using var model = Hooked(tower);
        using var images = Images(40, seed: 8);
        using var lens = LogitLens.Embeddings(model, images);
        Assert.Equal([3L, 40, 3], lens.shape);                                  // depths: before block 0, after 0, after 1
        using var plain = model.Forward(images);
        Assert.True(lens[-1].equal(plain).all().item<bool>(), "the last depth's lens is not the model's embedding");
        Assert.False(lens[0].allclose(plain, rtol: 1e-3, atol: 1e-3));

        using var tuned = TunedLens.Fit(model, images, ridge: 1e-9);
        using var embeddings = tuned.Embeddings(model, images);
        Assert.True(embeddings[-1].allclose(plain, rtol: 1e-3, atol: 1e-3), $"largest difference {(embeddings[-1] - plain).abs().max().item<float>():G3}");
        Assert.Contains("needs more pictures", Assert.Throws<ArgumentException>(() => TunedLens.Fit(model, Images(5))).Message);
    }

    [Fact]
    public void A_model_without_a_vision_transformer_is_refused_by_name()
    {
        using var conv = new HookedModel("conv", nn.Sequential(("c", nn.Conv2d(3, 4, 3))), new InputConvention(8, "identity"));
        using var images = Images();
        var error = Assert.Throws<ArgumentException>(() => DirectLogitAttribution.Decompose(conv, images));
        Assert.Contains("'conv' has no vision transformer tower", error.Message);
    }
}
