using Interp.Datasets;
using Interp.Dictionary;
using Interp.FeatureVisualization.Objectives;
using Interp.FeatureVisualization.Rendering;
using Interp.Hooks;
using Interp.Tests.Circuits;
using static TorchSharp.torch;

namespace Interp.Tests.Dictionary;

/// <summary>A dictionary's features as units of the model (<c>conv2/sae:i</c>): exact values, edits, the same activation on every path.</summary>
public class DictionaryLayerTests
{
    const double Scale = 1.7;

    /// <summary>A 2→6 dictionary over the tiny chain's conv2 with seeded random weights (k = 1 for TopK: k stays below the width).</summary>
    static DictionaryLayer Dictionary(SaeKind kind = SaeKind.TopK, string model = "chain", int width = 2)
    {
        var sae = new SparseAutoencoder(new SaeSettings(Width: width, Features: 6, Kind: kind, K: 1, Seed: 5));
        using (no_grad())
        {
            var gen = new Generator().manual_seed(9);
            sae.Encoder.copy_(randn(sae.Encoder.shape, generator: gen));
            sae.EncoderBias.copy_(randn(sae.EncoderBias.shape, generator: gen) * 0.3);
            sae.DecoderBias.copy_(randn(sae.DecoderBias.shape, generator: gen) * 0.3);
        }
        return new DictionaryLayer(sae, new DictionaryInfo(model, "conv2", Scale, sae.Settings, "test"));
    }

    static Tensor Images(int n = 3) => rand([n, 3, 16, 16], generator: new Generator().manual_seed(4));

    [Theory]
    [InlineData(SaeKind.TopK)]
    [InlineData(SaeKind.ReluL1)]
    public void Feature_activations_are_the_encoding_of_each_positions_scaled_vector(SaeKind kind)
    {
        using var model = TinyNets.Model();
        var dict = Dictionary(kind);
        using var attached = dict.AttachTo(model);
        using var images = Images();
        using var cache = model.RunWithCache(images, "conv2", "conv2/sae");
        var layer = cache["conv2"];
        var features = cache["conv2/sae"];
        Assert.Equal([3L, 6, 16, 16], features.shape);
        // By hand: position (n, y, x)'s vector, times the scale, through the autoencoder's own Encode.
        foreach (var (n, y, x) in new[] { (0, 0, 0), (1, 7, 3), (2, 15, 15) })
        {
            using var v = layer[n, .., y, x].reshape(1, 2) * Scale;
            using var want = dict.Sae.Encode(v).reshape(6);
            Assert.True(features[n, .., y, x].SameAs(want), $"position ({n}, {y}, {x})");
        }
        if (kind == SaeKind.TopK)
            Assert.True(((features > 0).sum(1) <= 1).all().item<bool>());
    }

    [Fact]
    public void The_view_is_listed_with_its_shape_and_removed_with_its_handle()
    {
        using var model = TinyNets.Model();
        var handle = Dictionary().AttachTo(model);
        Assert.True(model.HasLayer("conv2/sae"));
        Assert.Equal(["conv2/sae"], model.ViewNames);
        Assert.Equal("conv2", model.SourceOf("conv2/sae"));
        var info = model.Layer("conv2/sae");
        Assert.Equal([1L, 6, 16, 16], info.Shape);
        Assert.StartsWith("SparseAutoencoder TopK", info.Kind);
        Assert.DoesNotContain("conv2/sae", model.LayerNames);              // module layers only
        var twice = Assert.Throws<ArgumentException>(() => Dictionary().AttachTo(model));
        Assert.Contains("already attached", twice.Message);
        handle.Dispose();
        Assert.False(model.HasLayer("conv2/sae"));
        Assert.DoesNotContain(model.Layers(), l => l.Name == "conv2/sae");
        var gone = Assert.Throws<ArgumentException>(() => model.RequireLayer("conv2/sae"));
        Assert.Contains("conv2", gone.Message);
    }

    [Fact]
    public void An_unchanged_view_leaves_the_model_unchanged_and_an_ablated_feature_removes_its_decoder_column()
    {
        using var model = TinyNets.Model();
        var dict = Dictionary();
        using var attached = dict.AttachTo(model);
        using var images = Images(2);
        using var plain = model.RunWithCache(images, "conv2", "conv3");
        using (var identity = model.Hook("conv2/sae", f => f.clone()))
        using (var again = model.RunWithCache(images, "conv3"))
            Assert.True(again["conv3"].SameAs(plain["conv3"]));

        // Zeroing feature 4 subtracts f₄ · W_dec[:, 4] / scale at every position of conv2, the rest of conv2 kept.
        using var read = model.RunWithCache(images, "conv2/sae");
        using var ablate = model.Hook("conv2/sae", f => { var g = f.clone(); g[.., 4] = 0; return g; });
        using var after = model.RunWithCache(images, "conv2");
        var f4 = read["conv2/sae"][.., 4].unsqueeze(1);                                            // [N, 1, H, W]
        var column = dict.Sae.Decoder[.., 4].reshape(1, 2, 1, 1);
        using var want = plain["conv2"] - f4 * column / Scale;
        Assert.True(after["conv2"].allclose(want, rtol: 1e-6, atol: 1e-6));
        Assert.False(after["conv2"].allclose(plain["conv2"]));                        // the feature was active somewhere
    }

    [Fact]
    public void A_feature_gives_the_same_activation_through_feature_visualization_and_the_dataset_scan()
    {
        using var model = TinyNets.Model();
        using var attached = Dictionary().AttachTo(model);
        using var images = Images(4);
        var list = Enumerable.Range(0, 4).Select(i => images[i]).ToList();
        // One image per batch on both paths, so the convolutions are the same computation and the values agree bit for bit.
        var scan = DatasetScan.Run(model, "conv2/sae", new MemoryImages("four", list), new ScanSettings(Size: 16, TopK: 2, BatchSize: 1));
        Assert.Equal(6, scan.Channels);
        int compared = 0;
        for (int feature = 0; feature < 6; feature++)
            foreach (var top in scan.Top[feature].Where(e => e.Activation > 0))
            {
                var unit = new Interp.Units.Unit("conv2/sae", feature).At(top.Y, top.X);
                using var score = Renderer.Score(model, Objectives.Neuron(unit), images[top.Image].unsqueeze(0));
                Assert.Equal(top.Activation, score.item<float>());
                compared++;
            }
        Assert.True(compared >= 6, $"only {compared} active examples compared");
        foreach (var t in list) t.Dispose();
    }

    [Fact]
    public void Rendering_a_topk_feature_raises_it_even_from_an_image_where_it_is_outside_the_top_k()
    {
        using var model = TinyNets.Model();
        using var attached = Dictionary().AttachTo(model);
        var spec = new RenderSpec { Size = 16, Steps = 24, Batch = 1, Seed = 3 };
        // Feature 2's straight-through gradient (the ReLU of its pre-activation) lets it climb into the top 1 where it was not.
        using var session = new RenderSession(model, Objectives.Channel("conv2/sae:2"), spec);
        for (int i = 0; i < spec.Steps; i++) session.Step();
        Assert.True(session.History[^1] > session.History[0], $"objective {session.History[0]} → {session.History[^1]}");
    }

    [Fact]
    public void Splicing_replaces_the_layer_by_its_reconstruction()
    {
        using var model = TinyNets.Model();
        var dict = Dictionary();
        using var images = Images(2);
        using var plain = model.RunWithCache(images, "conv2");
        using (dict.Splice(model))
        using (var spliced = model.RunWithCache(images, "conv2"))
        {
            using var v = plain["conv2"].permute(0, 2, 3, 1).reshape(-1, 2) * Scale;
            using var want = (dict.Sae.Decode(dict.Sae.Encode(v)) / Scale).reshape(2, 16, 16, 2).permute(0, 3, 1, 2);
            Assert.True(spliced["conv2"].allclose(want, rtol: 1e-6, atol: 1e-6));
        }
        Assert.Equal(0, model.ActiveHookCount);
    }

    [Fact]
    public void A_view_hook_is_removed_when_the_forward_pass_throws()
    {
        using var model = TinyNets.Model();
        using var attached = Dictionary().AttachTo(model);
        using var images = Images(1);
        Assert.Throws<InvalidOperationException>(() => model.RunWithHooks(images, ("conv2/sae", f => throw new InvalidOperationException("boom"))));
        Assert.Equal(0, model.ActiveHookCount);
    }

    [Fact]
    public void A_dictionary_of_another_model_or_width_or_an_edit_of_another_shape_is_refused()
    {
        using var model = TinyNets.Model();
        var other = Assert.Throws<ArgumentException>(() => Dictionary(model: "resnet18").AttachTo(model));
        Assert.Contains("resnet18", other.Message);
        Assert.Contains("chain", other.Message);
        var wide = Assert.Throws<ArgumentException>(() => Dictionary(width: 3).AttachTo(model));
        Assert.Contains("3 channels", wide.Message);
        var suffix = Assert.Throws<ArgumentException>(() => Dictionary().AttachTo(model, "sae/x"));
        Assert.Contains("letters, digits", suffix.Message);
        var onView = Assert.Throws<ArgumentException>(() => model.AttachView("conv9", "sae", Dictionary()));
        Assert.Contains("conv", onView.Message);
        using var attached = Dictionary().AttachTo(model);
        using var images = Images(1);
        var shape = Assert.Throws<ArgumentException>(() => model.RunWithHooks(images, ("conv2/sae", f => f[.., ..3])));
        Assert.Contains("keep their shape", shape.Message);
        Assert.Equal(0, model.ActiveHookCount);
    }

    /// <summary>A view that doubles the layer and swaps its two channels: simple to compute by hand, not its own inverse.</summary>
    sealed class SwapDouble : ILayerView
    {
        public string Kind => "swap ×2";
        public Tensor Read(Tensor source) => source.flip(1) * 2;
        public Tensor Write(Tensor source, Tensor read, Tensor edited) => source + (edited - read).flip(1) / 2;
    }

    [Fact]
    public void A_view_of_a_view_reads_and_edits_through_both_and_outlives_the_inner_handle()
    {
        using var model = TinyNets.Model();
        var dict = Dictionary();
        var inner = model.AttachView("conv2", "swap", new SwapDouble());
        using var outer = model.AttachView("conv2/swap", "sae", dict);
        Assert.Contains("conv2/swap/sae", model.ViewNames);
        Assert.Equal("conv2", model.SourceOf("conv2/swap/sae"));
        using var images = Images(2);
        using (var cache = model.RunWithCache(images, "conv2", "conv2/swap/sae"))
            Assert.True(cache["conv2/swap/sae"].SameAs(dict.Read(cache["conv2"].flip(1) * 2)));
        using var plain = model.Forward(images);
        using (var unchanged = model.RunWithHooks(images, ("conv2/swap/sae", f => f)))
            Assert.True(unchanged.allclose(plain, rtol: 1e-5, atol: 1e-6), "an unedited view of a view changes the output");
        // Feature 0 set to 3 everywhere: by hand, the dictionary writes into the swapped layer, which writes back into conv2.
        Tensor Edit(Tensor f) { var e = f.clone(); e[.., 0] = 3; return e; }
        using var edited = model.RunWithHooks(images, ("conv2/swap/sae", Edit));
        using var handEdited = model.RunWithHooks(images, ("conv2", c =>
        {
            var swapped = c.flip(1) * 2;
            var read = dict.Read(swapped);
            return c + (dict.Write(swapped, read, Edit(read)) - swapped).flip(1) / 2;
        }));
        Assert.True(edited.allclose(handEdited, rtol: 1e-5, atol: 1e-6));
        Assert.False(edited.allclose(plain, rtol: 1e-3, atol: 1e-3), "the edit changed nothing: the check could not fail");
        inner.Dispose();
        Assert.DoesNotContain("conv2/swap", model.ViewNames);
        using (var cache = model.RunWithCache(images, "conv2", "conv2/swap/sae"))
            Assert.True(cache["conv2/swap/sae"].SameAs(dict.Read(cache["conv2"].flip(1) * 2)));
        var unknown = Assert.Throws<ArgumentException>(() => model.AttachView("conv2/swapp", "sae", dict));
        Assert.Contains("conv2/swap/sae", unknown.Message);
    }
}
