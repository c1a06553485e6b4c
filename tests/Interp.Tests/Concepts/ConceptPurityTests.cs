using Interp.Concepts;
using Interp.Datasets;

namespace Interp.Tests.Concepts;

/// <summary>Concept purity: exact values on a hand-built table of responses and labels.</summary>
public class ConceptPurityTests
{
    // Six images: 0–2 show "a", 3–4 "b", 5 both "a" and "c".
    static readonly IReadOnlyCollection<string>[] Labels = [["a"], ["a"], ["a"], ["b"], ["b"], ["a", "c"]];

    static float[][] Responses(params float[][] unitsByImage) => unitsByImage;

    [Fact]
    public void A_pure_unit_a_mixed_unit_and_a_silent_unit_get_their_hand_computed_values()
    {
        // Unit 0 answers only "a" images; unit 1 answers "b" most strongly, then two "a"; unit 2 is never active.
        var r = Responses([3, 1, 0], [2, 1, 0], [1, 0, 0], [0, 5, 0], [0, 4, 0], [4, 0, 0]);
        var p = ConceptPurity.Measure(r, Labels, top: 3, minimumActive: 2);
        // Unit 0: top 3 of its 4 active images are 5, 0, 1: all carry "a" (image 5 also "c"). Base rate of "a": 4/6. Concept
        // means: a = (3+2+1+4)/4 = 2.5, b = 0, c = 4 (image 5 alone) → a and c reach half of the best.
        Assert.Equal(new UnitPurity(0, 4, "a", 1.0, 4.0 / 6, 2), p[0]);
        // Unit 1: active on 0, 1, 3, 4; top 3 = 3, 4, then 0 (ties by index): "b" twice. Concept means: a = (1+1+0+0)/4 = 0.5,
        // b = 4.5, c = 0 → only b is at least half of the best.
        Assert.Equal(new UnitPurity(1, 4, "b", 2.0 / 3, 2.0 / 6, 1), p[1]);
        Assert.False(p[2].Measured);
        Assert.Equal(0, p[2].Active);
        Assert.Equal(0, p[2].ConceptsAbove);
        Assert.True(double.IsNaN(p[2].Share));
    }

    [Fact]
    public void A_unit_answering_two_concepts_equally_counts_both_and_dedicated_units_are_counted_per_concept()
    {
        var r = Responses([2, 1], [2, 1], [2, 1], [2, 0], [2, 0], [0, 1]);
        var p = ConceptPurity.Measure(r, Labels, top: 6, minimumActive: 1);
        Assert.Equal(2, p[0].ConceptsAbove);            // a = 6/4 = 1.5, b = 2, c = 0 → a and b reach half of 2
        Assert.Equal(2, p[1].ConceptsAbove);            // a = 4/4 = 1, b = 0, c = 1
        Assert.Equal(new Dictionary<string, int> { ["a"] = 1 }, ConceptPurity.Dedicated(p, share: 0.9));   // unit 1: all 4 active carry "a"
        Assert.Equal(0.6, p[0].Share, 12);              // unit 0: 5 active, 3 carry "a"
    }

    [Fact]
    public void Bad_input_is_refused_with_what_is_valid()
    {
        var ok = Responses([1, 0], [0, 1]);
        Assert.Contains("one label set per image", Assert.Throws<ArgumentException>(() => ConceptPurity.Measure(ok, [["a"]])).Message);
        Assert.Contains("1..top", Assert.Throws<ArgumentOutOfRangeException>(() => ConceptPurity.Measure(ok, [["a"], ["b"]], top: 5, minimumActive: 6)).Message);
        Assert.Contains("equal length", Assert.Throws<ArgumentException>(() => ConceptPurity.Measure(Responses([1, 0], [1]), [["a"], ["b"]], top: 1, minimumActive: 1)).Message);
        Assert.Contains("no images", Assert.Throws<ArgumentException>(() => ConceptPurity.Measure(Array.Empty<float[]>(), [])).Message);
        var scan = ScanResult.Empty("m", "l", "d", 4, new ScanSettings(), 2);
        Assert.Contains("ScanSettings.Sample", Assert.Throws<ArgumentException>(() => ConceptPurity.Measure(scan, _ => ["a"])).Message);
    }

    [Fact]
    public void Toy_pictures_are_labelled_with_what_they_show()
    {
        var images = new ToyWorldImages(200);
        var kinds = Enumerable.Range(0, 200).Select(i => images.Concepts(i)).ToList();
        Assert.All(kinds, k => Assert.InRange(k.Count, 1, 3));
        Assert.Contains(kinds, k => k.Count == 1 && k[0].StartsWith("word ", StringComparison.Ordinal));
        Assert.Contains(kinds, k => k.Count == 2 && k[0].StartsWith("drawn ", StringComparison.Ordinal) && Interp.ToyWorld.ToyConcepts.Colours.Any(c => c.Name == k[1]));
        Assert.Contains(kinds, k => k.Count == 3 && k[0][6..] == k[2][5..]);     // drawn X, colour, word X
    }
}
