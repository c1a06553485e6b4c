using Interp.Concepts;

namespace Interp.Exercises.Dictionary;

/// <summary>
/// Exercise 05.2 (★★☆): a unit's top concept and its share — among the <c>top</c> images with the strongest response above 0
/// (ties to the lower image index), the label carried by the most of them (ties to the label first in ordinal order), and the
/// share of those images carrying it. Images may carry several labels.
/// </summary>
public static class TopConceptExercise
{
    /// <summary>The exercise's id and title.</summary>
    public const string Title = "05.2 Concept purity";

    /// <summary>The learner's function: (each image's response, each image's labels, top) → (top concept, its share).</summary>
    public delegate (string Concept, double Share) Answer(float[] responses, IReadOnlyList<IReadOnlyCollection<string>> labels, int top);

    /// <summary>Compares with <see cref="ConceptPurity"/> on units with many silent images, multi-label images and ties.</summary>
    public static CheckResult Check(Answer answer)
    {
        const string hint = "Keep the images whose response is above 0, order them by response (strongest first, then by index), take the first `top`, " +
                            "count every label of every kept image (an image with three labels counts for each), and divide the winner's count by " +
                            "the number of images kept (which can be fewer than `top`).";
        var random = new Random(52);
        string[] pool = ["drawn circle", "word circle", "red", "drawn star", "word star", "blue"];
        var cases = new List<(string What, float[] Responses, IReadOnlyCollection<string>[] Labels, int Top)>();
        for (int c = 0; c < 4; c++)
        {
            int images = 40;
            var labels = Enumerable.Range(0, images).Select(_ => (IReadOnlyCollection<string>)pool.OrderBy(_ => random.Next()).Take(1 + random.Next(3)).ToArray()).ToArray();
            // Most images silent (0), a few active, the strongest ones biased towards one concept.
            var responses = labels.Select(l => random.NextDouble() < 0.6 ? 0f : (float)(random.NextDouble() + (l.Contains(pool[c]) ? 1.5 : 0))).ToArray();
            cases.Add(($"unit {c} (40 images, {responses.Count(r => r > 0)} active)", responses, labels, c == 3 ? 30 : 8));
        }
        foreach (var (what, responses, labels, top) in cases)
        {
            var reference = ConceptPurity.Measure([.. responses.Select(r => new[] { r })], labels, top, minimumActive: 1)[0];
            if (CheckResult.Try(Title, hint, () => answer(responses, labels, top), out var got) is { } threw) return threw;
            if (got.Concept != reference.TopConcept)
                return new CheckResult(Title, false, $"For {what}, top {top}: the top concept is '{reference.TopConcept}'; you returned '{got.Concept}'.", hint);
            if (!(Math.Abs(got.Share - reference.Share) <= 1e-9))
                return new CheckResult(Title, false, $"For {what}, top {top}: '{reference.TopConcept}' has share {reference.Share:0.###}; you returned {got.Share:0.###}.", hint);
        }
        return new CheckResult(Title, true, $"Your top concept and share match ConceptPurity on {cases.Count} units, silent images and several labels per image included.");
    }
}
