using Interp.Hooks;
using Interp.Models.Vit;
using Interp.Transformers;
using static TorchSharp.torch;

namespace Interp.Tests.Transformers;

public class TokenViewTests
{
    [Fact]
    public void Patch_tokens_read_as_channels_on_the_grid_and_edits_write_back_to_their_tokens_only()
    {
        using var tower = new VitImageTower("visual", new VitSettings(ImageSize: 8, Patch: 4, Width: 8, Layers: 2, Heads: 2, MlpRatio: 2, OutputDim: 3), seed: 1);
        using var model = new HookedModel("tiny-vit", tower, new InputConvention(8, "identity"));
        using var views = TokenView.AttachAll(model);
        Assert.Contains("blocks.1.mlp.hook_post/grid", model.ViewNames);
        Assert.Equal(16L, model.Layer("blocks.1.mlp.hook_post/grid").Channels);                        // MLP neurons are the channels
        using var images = rand([2, 3, 8, 8], generator: new Generator().manual_seed(2));
        using var cache = model.RunWithCache(images, "blocks.0.hook_resid_post", "blocks.0.hook_resid_post/grid", "blocks.0.hook_resid_post/cls");
        var tokens = cache["blocks.0.hook_resid_post"];                                                 // [2, 5, 8]
        var grid = cache["blocks.0.hook_resid_post/grid"];                                              // [2, 8, 2, 2]
        Assert.Equal([2L, 8, 2, 2], grid.shape);
        Assert.Equal(tokens[1, 1 + 1 * 2 + 0, 5].item<float>(), grid[1, 5, 1, 0].item<float>());         // row 1, column 0 is token 3
        Assert.True(cache["blocks.0.hook_resid_post/cls"].flatten(1).equal(tokens[.., 0]).all().item<bool>());

        using var plain = model.Forward(images);
        using (var same = model.RunWithHooks(images, ("blocks.0.hook_resid_post/grid", g => g.clone())))
            Assert.True(same.equal(plain).all().item<bool>());
        Tensor? seen = null;
        using (model.Hook("blocks.0.hook_resid_post/grid", g => { var e = g.clone(); e[.., 5, 1, 0] = 100; return e; }))
        using (model.Hook("blocks.1.hook_resid_pre", t => { seen = t.detach().clone().DetachFromDisposeScope(); return null; }))    // what the next block gets
            model.Forward(images).Dispose();
        Assert.Equal(100f, seen![0, 3, 5].item<float>());
        Assert.True(seen[.., 0].equal(tokens[.., 0]).all().item<bool>());                                // the class token untouched
        seen.Dispose();
        Assert.Contains("class token, then a g×g grid", Assert.Throws<ArgumentException>(() => TokenView.Grid.Read(zeros(2, 6, 8))).Message);
    }

    [Fact]
    public void A_cache_that_keeps_the_graph_gives_gradients_with_respect_to_a_view_equal_to_the_sources_rearranged()
    {
        using var tower = new VitImageTower("visual", new VitSettings(ImageSize: 8, Patch: 4, Width: 8, Layers: 2, Heads: 2, MlpRatio: 2, OutputDim: 3), seed: 1);
        using var model = new HookedModel("tiny-vit", tower, new InputConvention(8, "identity"));
        using var views = TokenView.AttachAll(model);
        using var images = rand([2, 3, 8, 8], generator: new Generator().manual_seed(2)).requires_grad_(true);
        using var plain = model.Forward(images);
        using var cache = model.RunWithCache(images, ["blocks.0.hook_resid_post", "blocks.0.hook_resid_post/grid"], detach: false);
        Assert.True(cache.Output!.equal(plain).all().item<bool>(), "routing the pass through the view changed the output");
        using var value = cache.Output!.pow(2).sum();
        var context = Interp.FeatureVisualization.Objectives.ObjectiveContext.FromCache(cache, images);
        using var byGrid = context.Gradient(value, "blocks.0.hook_resid_post/grid");                     // [2, 8, 2, 2]
        using var byTokens = context.Gradient(value, "blocks.0.hook_resid_post");                         // [2, 5, 8]
        Assert.Equal([2L, 8, 2, 2], byGrid.shape);
        // Patch token 1 + 2r + c is the grid's row r, column c; the gradient there is the token's, in every unit.
        foreach (var (r, c) in new[] { (0, 0), (0, 1), (1, 0), (1, 1) })
            Assert.True(byGrid[.., .., r, c].allclose(byTokens[.., 1 + 2 * r + c], rtol: 1e-5, atol: 1e-7), $"row {r}, column {c}");
        Assert.True(byGrid.abs().sum().item<float>() > 0, "a zero gradient: the check could not fail");
    }

    [Fact]
    public void A_heads_output_is_a_layer_at_the_class_token_and_editing_it_there_changes_that_head_only()
    {
        using var tower = new VitImageTower("visual", new VitSettings(ImageSize: 8, Patch: 4, Width: 8, Layers: 2, Heads: 2, MlpRatio: 2, OutputDim: 3), seed: 1);
        using var model = new HookedModel("tiny-vit", tower, new InputConvention(8, "identity"));
        using var views = TokenView.AttachAll(model);
        Assert.Equal(8L, model.Layer("blocks.1.attn.hook_result/head1/cls").Channels);
        using var images = rand([2, 3, 8, 8], generator: new Generator().manual_seed(2));
        using (var cache = model.RunWithCache(images, "blocks.1.attn.hook_result", "blocks.1.attn.hook_result/head1/cls", "blocks.1.attn.hook_result/head0/grid"))
        {
            var result = cache["blocks.1.attn.hook_result"];                                              // [2, 5, 2, 8]
            Assert.True(cache["blocks.1.attn.hook_result/head1/cls"].flatten(1).equal(result[.., 0, 1]).all().item<bool>());
            Assert.True(cache["blocks.1.attn.hook_result/head0/grid"][.., .., 1, 0].equal(result[.., 3, 0]).all().item<bool>());   // row 1, column 0
        }
        // Zeroing head 1 at the class token through the view = zeroing that slice of hook_result directly.
        using var viaView = model.RunWithHooks(images, ("blocks.1.attn.hook_result/head1/cls", h => zeros_like(h)));
        using var direct = model.RunWithHooks(images, ("blocks.1.attn.hook_result", r => { var e = r.clone(); e[.., 0, 1] = 0; return e; }));
        using var plain = model.Forward(images);
        Assert.True(viaView.allclose(direct, rtol: 1e-6, atol: 1e-7));
        Assert.False(viaView.allclose(plain, rtol: 1e-4, atol: 1e-4), "zeroing the head changed nothing: the check could not fail");
        Assert.Contains("more than 2 heads", Assert.Throws<ArgumentException>(() => new HeadView(2).Read(zeros(1, 5, 2, 8))).Message);
    }
}
