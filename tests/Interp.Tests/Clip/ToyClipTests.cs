using TorchSharp;
using Interp.Models.ToyClip;
using Interp.ToyWorld;
using Interp.Training;
using static TorchSharp.torch;

namespace Interp.Tests.Clip;

public class ToyClipTests
{
    [Fact]
    public void Captions_encode_to_fixed_rows_and_decode_back_and_unknown_words_are_refused_with_the_vocabulary()
    {
        var ids = ToyVocabulary.Encode("a sign saying circle");
        Assert.Equal(ToyVocabulary.ContextLength, ids.Length);
        Assert.Equal([ToyVocabulary.Start, ids[1], ids[2], ids[3], ids[4], ToyVocabulary.End, 0, 0], ids);
        Assert.Equal("a sign saying circle", ToyVocabulary.Decode(ids));
        Assert.Contains("circle", Assert.Throws<ArgumentException>(() => ToyVocabulary.Encode("a sign saying dog")).Message);
        Assert.Contains("at most 6", Assert.Throws<ArgumentException>(() => ToyVocabulary.Encode("a a a a a a a")).Message);
        Assert.Equal(3 + 9 + ToyConcepts.Colours.Count + ToyConcepts.Shapes.Count, ToyVocabulary.Words.Count);
    }

    [Fact]
    public void The_dataset_is_a_function_of_seed_and_index_with_the_recipes_mix_and_captions_that_name_the_concept()
    {
        var data = new ToyDataset(7);
        var (a, tokensA, examples) = data.Batch(100, 12);
        var (b, tokensB, _) = new ToyDataset(7).Batch(100, 12);
        Assert.True((a == b).all().item<bool>() && (tokensA == tokensB).all().item<bool>());
        Assert.Equal([12L, 3, 64, 64], a.shape);
        using var single = examples[3].Draw();
        Assert.True((single == a[3]).all().item<bool>());
        var (other, _, _) = new ToyDataset(8).Batch(100, 12);
        Assert.False((other == a).all().item<bool>());

        var many = Enumerable.Range(0, 3000).Select(i => data.Example(i)).ToList();
        Assert.InRange(many.Count(e => e.Kind == ToyKind.Drawing) / 3000.0, 0.27, 0.33);
        Assert.InRange(many.Count(e => e.Kind == ToyKind.Word) / 3000.0, 0.42, 0.48);
        Assert.All(many, e => Assert.EndsWith(ToyConcepts.Shapes[e.Shape], e.Caption));
        Assert.All(many.Where(e => e.Kind == ToyKind.Word), e => Assert.Matches("^(the word|a sign saying) ", e.Caption));
        Assert.InRange(many.Count(e => e.Distractor is not null) / 3000.0, 0.05, 0.11);
    }

    [Fact]
    public void A_drawing_shows_its_colour_at_its_centre_and_a_word_changes_the_pixels_where_it_is_written()
    {
        var random = new Random(3);
        var square = ToyDataset.Example(random, ToyKind.Drawing, ToyConcepts.Shape("square"), 2) with { Distractor = null };
        using var image = square.Draw();
        var blue = ToyConcepts.Colours[2];
        int x = (int)square.ShapeX, y = (int)square.ShapeY;
        Assert.Equal(blue.R, image[0, y, x].item<float>(), 2);
        Assert.Equal(blue.G, image[1, y, x].item<float>(), 2);
        Assert.Equal(blue.B, image[2, y, x].item<float>(), 2);

        var word = ToyDataset.Example(random, ToyKind.Word, ToyConcepts.Shape("house"), 0) with { Distractor = null };
        using var written = word.Draw();
        using var blank = (word with { Kind = ToyKind.Drawing, Radius = 0.01f }).Draw();   // same background and noise, no word
        using var changed = (written - blank).abs().sum([0]) > 0.3;
        var rows = changed.any(1).nonzero().flatten();
        Assert.True(rows.numel() > 0, "the word left no mark");
        // The ink sits on the baseline's line of text: between the top of the letters and a little below the baseline.
        Assert.InRange(rows.min().item<long>(), word.WordY - word.WordSize - 1, word.WordY);
        Assert.InRange(rows.max().item<long>(), word.WordY - 4, word.WordY + 4);
    }

    [Fact]
    public void The_models_gradients_in_float32_match_float64()
    {
        using var model32 = new ToyClipModel(seed: 5);
        using var model64 = new ToyClipModel(seed: 5);
        model64.to(float64);
        var (images, tokens, _) = new ToyDataset(2).Batch(0, 6);
        model32.train();
        model64.train();
        model32.ContrastiveLoss(images, tokens).backward();
        model64.ContrastiveLoss(images.to(float64), tokens).backward();
        var p32 = model32.named_parameters().ToList();
        var p64 = model64.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var (name, p) in p32)
        {
            var g32 = p.grad!.to(float64);
            var g64 = p64[name].grad!;
            double scale = g64.abs().max().item<double>();
            double error = (g32 - g64).abs().max().item<double>();
            Assert.True(error <= 1e-3 * scale + 1e-7, $"{name}: float32 gradient off by {error:G3} (largest {scale:G3})");
        }
    }

    [Theory]
    [InlineData(ToyTower.Cnn)]
    [InlineData(ToyTower.Vit)]
    [InlineData(ToyTower.ConvNeXt)]
    public void Training_is_deterministic_and_a_resumed_run_continues_exactly_where_it_stopped(ToyTower tower)
    {
        var settings = ToyTrainingSettings.For(tower) with { Steps = 3, BatchSize = 8, WarmupSteps = 1, CheckpointEvery = 1 };
        using var first = new ToyClipModel(settings.InitSeed, tower);
        var uninterrupted = ToyClipTraining.Train(first, settings);
        Assert.True(uninterrupted[^1].Loss < uninterrupted[0].Loss + 1, "the loss blew up");
        using var second = new ToyClipModel(settings.InitSeed, tower);
        Assert.Equal(uninterrupted.Select(s => s.Loss), ToyClipTraining.Train(second, settings).Select(s => s.Loss));

        var path = Path.Combine(Path.GetTempPath(), $"toy-clip-{Guid.NewGuid():N}.json");
        try
        {
            using (var interrupted = new ToyClipModel(settings.InitSeed, tower))
                Assert.Equal(2, ToyClipTraining.Train(interrupted, settings, path, stopAfter: 2).Count);
            using var resumed = new ToyClipModel(seed: 99, tower);   // different weights: the checkpoint must replace them
            var history = ToyClipTraining.Train(resumed, settings, path);
            Assert.Equal(uninterrupted.Select(s => s.Loss), history.Select(s => s.Loss));
            foreach (var (a, b) in first.parameters().Zip(resumed.parameters()))
                Assert.True((a == b).all().item<bool>(), "the resumed run's weights differ from the uninterrupted run's");
            Assert.Contains("another run", Assert.Throws<InvalidOperationException>(() =>
                ToyClipTraining.Train(new ToyClipModel(tower: tower), settings with { Steps = 4 }, path)).Message);
            var other = tower == ToyTower.Cnn ? ToyTower.Vit : ToyTower.Cnn;
            var mismatch = Assert.Throws<ArgumentException>(() => ToyClipTraining.Train(new ToyClipModel(tower: other), settings, path));
            Assert.Contains($"settings are for a toy CLIP with a {tower} image tower; this model's is a {other}", mismatch.Message);
        }
        finally
        {
            foreach (var f in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + "*")) File.Delete(f);
        }
    }
}
