using Interp.Hooks;
using Interp.Multimodal;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Tests.Multimodal;

public class MultimodalTests
{
    /// <summary>A "layer" whose three units are the image's mean red, green and blue.</summary>
    sealed class ColourMeans : nn.Module<Tensor, Tensor>
    {
        readonly AdaptiveAvgPool2d pool = nn.AdaptiveAvgPool2d(1);
        public ColourMeans() : base("colour-means") => RegisterComponents();
        public override Tensor forward(Tensor x) => pool.call(x);
    }

    static Tensor Solid(float r, float g, float b) => stack([full([8, 8], r), full([8, 8], g), full([8, 8], b)]).unsqueeze(0).expand(2, -1, -1, -1).contiguous();

    [Fact]
    public void A_unit_with_the_same_concept_profile_for_pictures_and_words_is_multimodal_and_shuffling_labels_rarely_makes_one()
    {
        using var model = new HookedModel("colours", new ColourMeans(), new InputConvention(8, "identity"));
        string[] concepts = ["a", "b", "c", "d", "e", "f"];
        // Red follows the concept in both; green follows it in pictures and runs backwards in words; blue is constant.
        var pictures = concepts.Select((_, k) => Solid(k / 6f, k / 6f, 0.5f)).ToList();
        var words = concepts.Select((_, k) => Solid(k / 6f, (5 - k) / 6f, 0.5f)).ToList();
        var report = Multimodality.Measure(model, "pool", concepts, pictures, words, threshold: 0.6, permutations: 500);
        Assert.Equal(1, report.Scores[0], 9);
        Assert.Equal(-1, report.Scores[1], 9);
        Assert.Equal(0, report.Scores[2]);
        Assert.Equal([0], report.MultimodalUnits);
        Assert.Equal(("f", "f"), report.Preferred(0));
        Assert.Equal(("f", "a"), report.Preferred(1));
        // Under a random relabelling, red's profiles correlate above 0.6 only by luck.
        Assert.True(report.ChanceCount < 0.3, $"chance count {report.ChanceCount}");
        Assert.True(report.PValue < 0.3, $"p {report.PValue}");
        Assert.Equal(report.ShuffledCounts, Multimodality.Measure(model, "pool", concepts, pictures, words, 0.6, 500).ShuffledCounts);   // seeded
        Assert.Contains("at least three", Assert.Throws<ArgumentException>(() => Multimodality.Measure(model, "pool", ["a", "b"], pictures[..2], words[..2])).Message);
        Assert.Contains("one picture batch", Assert.Throws<ArgumentException>(() => Multimodality.Measure(model, "pool", concepts, pictures[..3], words)).Message);
        Assert.Equal(0, model.ActiveHookCount);
    }

    [Fact]
    public void The_concept_level_count_takes_a_unit_whose_strongest_concept_against_the_other_units_is_the_same_on_pictures_and_words()
    {
        // [concept, unit] profiles by hand, four concepts, four units. Unit 0 stands out on concept 2 in both (multimodal);
        // unit 1 stands out on concept 0 in pictures, concept 3 in words (not); units 2 and 3 are average everywhere.
        double[,] pictures = { { 0, 5, 1, 1 }, { 1, 1, 1, 1 }, { 6, 1, 1, 1 }, { 1, 1, 1, 1 } };
        double[,] words = { { 1, 1, 1, 1 }, { 1, 1, 1, 1 }, { 7, 1, 1, 1 }, { 1, 6, 1, 1 } };
        var report = new MultimodalityReport("l", ["a", "b", "c", "d"], pictures, words, [0, 0, 0, 0], 0.6, [0]);
        var count = report.ConceptLevel(z: 1, permutations: 200);
        Assert.Equal([0], count.Units);
        Assert.Equal(["c"], count.Concepts);
        // z of unit 0 on concept 2 among {6, 1, 1, 1}: (6 − 2.25) / sd 2.165 = 1.73 ≥ 1. A z threshold above it drops it.
        Assert.Empty(report.ConceptLevel(z: 1.8, permutations: 10).Units);
        // Permuting the words' concepts moves unit 0's word peak off concept 2 in 3 of 4 positions: chance is about 1/4 per unit.
        Assert.InRange(count.ChanceCount, 0.15, 0.6);
        Assert.Equal(count.ShuffledCounts, report.ConceptLevel(z: 1, permutations: 200).ShuffledCounts);     // seeded
        Assert.Throws<ArgumentOutOfRangeException>(() => report.ConceptLevel(permutations: 0));
    }

    [Fact]
    public void Written_text_changes_only_the_pixels_it_covers()
    {
        using var images = rand([2, 3, 32, 48], generator: new Generator().manual_seed(1)) * 0.5;
        using var pasted = TextOverlay.Paste(images, "star", 24, 20, 12, grey: 1f);
        using var alpha = TextOverlay.Coverage("star", 24, 20, 12, 32, 48);
        using var untouched = (alpha == 0).expand_as(pasted);
        Assert.True((pasted.masked_select(untouched) == images.masked_select(untouched)).all().item<bool>());
        using var full = (alpha == 1).expand_as(pasted);
        Assert.True(full.any().item<bool>(), "the letters should fully cover some pixels");
        Assert.True((pasted.masked_select(full) == 1f).all().item<bool>());
        var rows = alpha.sum([1]).gt(0).nonzero().flatten();
        Assert.InRange(rows.min().item<long>(), 20 - 12, 20);              // letters rise above the baseline
        Assert.InRange(rows.max().item<long>(), 18, 23);                   // and end near it ("star" has no descenders)
        Assert.Contains("some text", Assert.Throws<ArgumentException>(() => TextOverlay.Coverage("", 1, 1, 10, 8, 8)).Message);
    }

    [Fact]
    public void The_attack_counts_flips_to_the_target_against_a_same_length_nonsense_control()
    {
        using var images = rand([10, 3, 32, 48], generator: new Generator().manual_seed(2)) * 0.5;
        var placement = new TextPlacement(24, 20, 14);
        var probe = TypographicAttack.Measure(images, x => new long[x.shape[0]], "star", 3, placement, resamples: 10);
        Assert.Equal(4, probe.Control.Length);
        Assert.NotEqual("star", probe.Control);
        // A classifier that reads the word: class 3 exactly when a pixel only the word's letters cover is white.
        using var word = TextOverlay.Coverage("star", placement.X, placement.Y, placement.Size, 32, 48);
        using var control = TextOverlay.Coverage(probe.Control, placement.X, placement.Y, placement.Size, 32, 48);
        var only = ((word > 0.99f).logical_and(control < 0.01f)).nonzero();
        Assert.True(only.shape[0] > 0);
        long py = only[0, 0].item<long>(), px = only[0, 1].item<long>();
        long[] Reads(Tensor x) => [.. Enumerable.Range(0, (int)x.shape[0]).Select(i => x[i, 0, py, px].item<float>() > 0.99f ? 3L : 0L)];

        var report = TypographicAttack.Measure(images, Reads, "star", 3, placement, resamples: 200);
        Assert.Equal((10, 10), (report.Images, report.Eligible));
        Assert.Equal(new Interp.Statistics.Estimate(1, 1, 1), report.FlipRate);
        Assert.Equal(new Interp.Statistics.Estimate(0, 0, 0), report.ControlFlipRate);
        using var attacked = TextOverlay.Paste(images, "star", placement.X, placement.Y, placement.Size, placement.Grey);
        double changed = ((attacked - images).abs().amax([1]) > 1.0 / 255).to(float64).mean().item<double>();
        Assert.Equal(changed, report.PixelsChanged, 12);
        Assert.InRange(report.PixelsChanged, 0.01, 0.3);
        Assert.Contains("already predicted", Assert.Throws<InvalidOperationException>(() =>
            TypographicAttack.Measure(images, x => [.. Enumerable.Repeat(3L, (int)x.shape[0])], "star", 3, placement)).Message);
    }

    [Fact]
    public void Words_are_ranked_by_the_units_mean_response_over_their_renderings()
    {
        using var model = new HookedModel("colours", new ColourMeans(), new InputConvention(64, "identity"));
        string[] words = ["i", "star", "diamond", "wow"];
        // Black text on grey: the red mean is 0.5 · (1 − the mean ink coverage) over every rendering.
        double Expected(string word)
        {
            double coverage = (from s in WordProbe.Sizes from h in WordProbe.Heights
                               select TextOverlay.Coverage(word, 32, (float)(h * 64), (float)(s * 64), 64, 64).to(float64).mean().item<double>()).Average();
            return 0.5 * (1 - coverage);
        }
        var ranked = WordProbe.Rank(model, "pool", 0, words);
        Assert.Equal(words.OrderByDescending(Expected), ranked.Select(r => r.Word));
        Assert.All(ranked, r => Assert.Equal(Expected(r.Word), r.Response, 6));
        Assert.Equal("i", ranked[0].Word);                                        // the least ink
        Assert.Equal([9L, 3, 64, 64], WordProbe.Render("star", 64).shape);
        Assert.Contains("channels 0..2", Assert.Throws<ArgumentOutOfRangeException>(() => WordProbe.Rank(model, "pool", 3, words)).Message);
        Assert.Equal(0, model.ActiveHookCount);
    }
}
