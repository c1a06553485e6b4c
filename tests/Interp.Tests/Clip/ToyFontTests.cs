using Interp.Multimodal;
using Interp.Runtime;
using Interp.Clip;
using Interp.ToyWorld;
using Interp.Zoo;
using static TorchSharp.torch;

namespace Interp.Tests.Clip;

/// <summary>The shipped fonts, words drawn in them, and the toy CLIP's zero-shot reading across fonts.</summary>
public class ToyFontTests(ITestOutputHelper output)
{
    [Fact]
    public void Every_shipped_font_matches_the_hash_in_its_provenance_row()
    {
        var rows = ProvenanceTable.AssertEveryFileMatchesItsRow(Path.Combine(TestPaths.RepoRoot, "data", "fonts"), "sha256", expectedFiles: 4);
        foreach (var file in SkiaRuntime.FontFiles.Values) Assert.Contains(file, rows.Keys);
    }

    [Fact]
    public void An_unknown_font_names_the_shipped_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => SkiaRuntime.Font("DejaVu Serif"));
        Assert.Contains("DejaVu Serif Bold", e.Message);
        Assert.Contains("DejaVu Sans Mono Bold", e.Message);
    }

    [Fact]
    public void A_word_in_another_font_keeps_its_place_and_width_and_changes_its_letters()
    {
        var example = ToyDataset.Example(new Random(4), ToyKind.Word, ToyConcepts.Shape("triangle"), 2) with { Distractor = null };
        using var training = example.Draw();
        using var named = (example with { Font = SkiaRuntime.TrainingFont }).Draw();
        Assert.True(training.allclose(named, 0, 0));                        // null is the training font
        foreach (var font in SkiaRuntime.FontFiles.Keys.Where(f => f != SkiaRuntime.TrainingFont))
        {
            using var other = (example with { Font = font }).Draw();
            Assert.False(training.allclose(other, 0, 0));
            // Ink: pixels that differ from the plain background render (the same picture without the word).
            using var plain = (example with { Kind = ToyKind.Drawing, Radius = 0 }).Draw();
            (int Left, int Right) Extent(Tensor picture)
            {
                var columns = (picture - plain).abs().sum([0, 1]).gt(0.5f).data<bool>().ToArray();
                return (Array.IndexOf(columns, true), Array.LastIndexOf(columns, true));
            }
            var (l0, r0) = Extent(training);
            var (l1, r1) = Extent(other);
            output.WriteLine($"{font}: columns {l1}–{r1}; training font {l0}–{r0}");
            Assert.True(Math.Abs(l1 - l0) <= 2 && Math.Abs(r1 - r0) <= 2, $"{font}: the word spans columns {l1}–{r1}, the training font's {l0}–{r0}");
        }
    }

    [Fact]
    public void Zero_shot_reading_by_font_measures_the_same_pictures_and_agrees_with_the_zero_shot_measure_on_the_training_font()
    {
        using var model = ToyClipWeights.Load();
        var byFont = ToyClipEvaluation.WordsByFont(model, perFont: 36);
        Assert.Equal(SkiaRuntime.FontFiles.Keys, byFont.Select(f => f.Font));
        Assert.Equal(ToyClipEvaluation.ZeroShot(model, perKind: 36).Words, byFont.Single(f => f.Font == SkiaRuntime.TrainingFont).Accuracy);
        foreach (var (font, accuracy) in byFont) output.WriteLine($"{font}: {accuracy:P1}");

        // An independent count: the first 36 word pictures of the held-out dataset, drawn in each font, each called by its most
        // cosine-similar "the word <shape>" prompt (computed here from the two towers, not through the zero-shot classifier).
        var data = new ToyDataset(1_000_003);
        var words = new List<ToyExample>();
        for (long i = 0; words.Count < 36; i++)
            if (data.Example(i) is { Kind: ToyKind.Word } e) words.Add(e);
        model.eval();
        using var _ = no_grad();
        using var text = nn.functional.normalize(model.EncodeText(ToyVocabulary.EncodeAll(
            Enumerable.Range(0, ToyConcepts.Shapes.Count).Select(s => $"the word {ToyConcepts.Shapes[s]}").ToList())), dim: 1);
        foreach (var (font, accuracy) in byFont)
        {
            using var images = stack(words.Select(w => (w with { Font = font == SkiaRuntime.TrainingFont ? null : font }).Draw()).ToList());
            using var embedded = nn.functional.normalize(model.EncodeImage(images), dim: 1);
            var called = embedded.matmul(text.t()).argmax(1).data<long>().ToArray();
            int right = called.Where((c, i) => c == words[i].Shape).Count();
            Assert.Equal(right / 36.0, accuracy);
        }
    }

    [Fact]
    public void Pasted_text_in_another_font_covers_other_pixels()
    {
        using var sans = TextOverlay.Coverage("star", 32, 40, 14, 64, 64);
        using var serif = TextOverlay.Coverage("star", 32, 40, 14, 64, 64, "DejaVu Serif Bold");
        Assert.True(sans.sum().item<float>() > 10 && serif.sum().item<float>() > 10);
        Assert.False(sans.allclose(serif, 0, 0));
    }
}
