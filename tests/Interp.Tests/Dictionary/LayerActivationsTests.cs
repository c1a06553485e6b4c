using Interp.Datasets;
using Interp.Dictionary;
using Interp.Hooks;
using Interp.Tests.Circuits;
using static TorchSharp.torch;

namespace Interp.Tests.Dictionary;

/// <summary>A layer's positions as a shuffled, scaled, buffered stream of activation vectors, checked against a plain forward pass.</summary>
public class LayerActivationsTests
{
    static MemoryImages Images(int count = 6) =>
        new($"{count} random images", [.. Enumerable.Range(0, count).Select(i => rand([3, 16, 16], generator: new Generator().manual_seed(i)))]);

    static List<float[]> SortedRows(Tensor vectors)
    {
        var v = vectors.data<float>().ToArray();
        int width = (int)vectors.shape[1];
        return [.. Enumerable.Range(0, (int)vectors.shape[0]).Select(r => v[(r * width)..((r + 1) * width)])
            .OrderBy(r => r[0]).ThenBy(r => r[1])];
    }

    [Fact]
    public void An_epoch_is_every_position_of_every_image_once_scaled_to_a_mean_squared_norm_of_the_width()
    {
        using var model = TinyNets.Model(seed: 3);
        var images = Images();
        using var source = new LayerActivations(model, "relu2", images, imagesPerBuffer: 4, seed: 5);
        Assert.Equal((2, 256, 4, 6L * 256), (source.Width, source.PositionsPerImage, source.ImagesPerBuffer, source.VectorsPerEpoch));
        using var epoch = source.Batch(0, (int)source.VectorsPerEpoch);
        // The reference: one forward pass over all six images, every position's channels as a row, times the scale.
        using var cache = model.RunWithCache(stack([.. Enumerable.Range(0, 6).Select(images.Load)]), ["relu2"]);
        using var all = cache["relu2"].permute(0, 2, 3, 1).reshape(-1, 2) * source.Scale;
        var (got, expected) = (SortedRows(epoch), SortedRows(all));
        for (int r = 0; r < got.Count; r++)
            for (int c = 0; c < 2; c++) Assert.Equal(expected[r][c], got[r][c], 4);
        // The scale is set on the first buffer (four images: 1024 vectors) so that its mean squared norm is the width.
        using var first = source.Batch(0, 1024);
        Assert.Equal(2.0, first.pow(2).sum(1).mean().item<float>(), 4);
    }

    [Fact]
    public void Vectors_are_the_same_whenever_asked_and_each_epoch_has_its_own_order()
    {
        using var model = TinyNets.Model(seed: 3);
        using var source = new LayerActivations(model, "relu2", Images(), imagesPerBuffer: 4, seed: 5);
        using var a = source.Batch(1000, 100);                 // across the first two buffers
        using var elsewhere = source.Batch(3000, 10);          // epoch 1: another buffer replaces the held one
        using var b = source.Batch(1000, 100);
        Assert.True(a.SameAs(b));
        using var epoch0 = source.Batch(0, 256);
        using var epoch1 = source.Batch(source.VectorsPerEpoch, 256);
        Assert.False(epoch0.SameAs(epoch1));
        using var otherSeed = new LayerActivations(model, "relu2", Images(), imagesPerBuffer: 4, seed: 6);
        using var c = otherSeed.Batch(0, 256);
        Assert.False(epoch0.SameAs(c));
    }

    [Fact]
    public void A_layer_without_positions_or_an_empty_image_set_is_refused()
    {
        var net = nn.Sequential(("flat", nn.Flatten()), ("fc", nn.Linear(768, 4)));
        using var flat = new HookedModel("flat", net, new InputConvention(16, "identity"));
        Assert.Contains("spatial positions", Assert.Throws<ArgumentException>(() => new LayerActivations(flat, "fc", Images())).Message);
        using var model = TinyNets.Model();
        Assert.Contains("is empty", Assert.Throws<ArgumentException>(() => new LayerActivations(model, "relu2", new MemoryImages("none", []))).Message);
        Assert.Contains("relu2", Assert.Throws<ArgumentException>(() => new LayerActivations(model, "relu9", Images())).Message);
    }

    [Fact]
    public void A_topk_autoencoder_trains_on_a_layer_stream_and_reconstructs_held_out_images()
    {
        using var model = TinyNets.Model(seed: 3);
        using var train = new LayerActivations(model, "relu2", Images(8), imagesPerBuffer: 4);
        using var sae = new SparseAutoencoder(new SaeSettings(Width: 2, Features: 8, K: 1, LearningRate: 3e-3, BatchSize: 256, Steps: 200, ResampleEvery: 0));
        SaeTraining.Train(sae, train);
        // Held-out images, with the training stream's scale so the numbers mean the same.
        var held = new MemoryImages("held out", [.. Enumerable.Range(100, 4).Select(i => rand([3, 16, 16], generator: new Generator().manual_seed(i)))]);
        using var test = new LayerActivations(model, "relu2", held, imagesPerBuffer: 4, scale: train.Scale);
        Assert.Equal(train.Scale, test.Scale);
        var evaluation = SaeEvaluation.Measure(sae, test, 0, (int)test.VectorsPerEpoch);
        Assert.True(evaluation.Fvu < 0.5, $"FVU {evaluation.Fvu:F3}");
        Assert.True(evaluation.L0 <= 1);
    }
}

/// <summary>Vectors held in memory: row i mod N, copied at construction.</summary>
public class StoredActivationsTests
{
    [Fact]
    public void Batches_wrap_around_the_stored_rows_and_bad_requests_are_refused()
    {
        using var rows = arange(12, dtype: float32).reshape(6, 2);
        using var stored = new StoredActivations("six rows", rows);
        rows.zero_();                                                          // a copy: the source changing later does not matter
        using var batch = stored.Batch(4, 4);                                  // rows 4, 5, 0, 1
        Assert.Equal(new float[] { 8, 9, 10, 11, 0, 1, 2, 3 }, batch.data<float>().ToArray());
        Assert.Equal((2, 6L), (stored.Width, stored.Count));
        Assert.Throws<ArgumentOutOfRangeException>(() => stored.Batch(-1, 2));
        Assert.Contains("[N, Width]", Assert.Throws<ArgumentException>(() => new StoredActivations("flat", zeros(6))).Message);
    }
}
