using Interp.Models.ToyClip;
using Interp.ToyWorld;

using static TorchSharp.torch;

namespace Interp.Clip;

/// <summary>Zero-shot accuracy of the toy CLIP on held-out pictures, for drawings and for words separately.</summary>
/// <param name="Drawings">Share of drawings whose best-matching prompt "a drawing of a {shape}" names their shape.</param>
/// <param name="Words">Share of word pictures whose best-matching prompt "the word {shape}" names the written shape.</param>
/// <param name="PerKind">Pictures of each kind measured.</param>
public sealed record ToyZeroShot(double Drawings, double Words, int PerKind);

/// <summary>
/// How the toy CLIP's text tower reads a picture among all 24 prompts (12 "a drawing of …", 12 "the word …"): the best prompt,
/// and the probability (softmax of the logits over the 24) that falls on the word prompts.
/// </summary>
public sealed record ToyReading(string Prompt, double WordProbability);

/// <summary>Measurements of a trained toy CLIP.</summary>
public static class ToyClipEvaluation
{
    /// <summary>The prompt for a shape in the drawing template ("a drawing of an arrow").</summary>
    public static string DrawingPrompt(int shape) => $"a drawing of {ToyVocabulary.Article(ToyConcepts.Shapes[shape])} {ToyConcepts.Shapes[shape]}";

    /// <summary>The prompt for a shape in the word template ("the word arrow").</summary>
    public static string WordPrompt(int shape) => $"the word {ToyConcepts.Shapes[shape]}";

    /// <summary>The caption of a drawing in one colour ("a red star", "an orange arrow"), as the toy captions write it.</summary>
    public static string ColourPrompt(int shape, int colour) =>
        $"{ToyVocabulary.Article(ToyConcepts.Colours[colour].Name)} {ToyConcepts.Colours[colour].Name} {ToyConcepts.Shapes[shape]}";

    /// <summary>All 96 <see cref="ColourPrompt"/>s, shape by shape, colour fastest: prompt <c>8 · shape + colour</c>.</summary>
    public static IReadOnlyList<string> AllColourPrompts { get; } =
        [.. from shape in Enumerable.Range(0, ToyConcepts.Shapes.Count) from colour in Enumerable.Range(0, ToyConcepts.Colours.Count) select ColourPrompt(shape, colour)];

    /// <summary>
    /// For each of <paramref name="drawings"/>, the L2-normalized embeddings of the eight <see cref="ColourPrompt"/>s of its own shape
    /// [N, 8, 128], colour by colour: the classes of a colour reading that the shape cannot decide.
    /// </summary>
    public static Tensor ColourPrompts(ToyClipModel model, IReadOnlyList<ToyExample> drawings)
    {
        ArgumentNullException.ThrowIfNull(drawings);
        return InEval(model, () =>
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            var all = nn.functional.normalize(model.EncodeText(ToyVocabulary.EncodeAll(AllColourPrompts)), dim: 1)
                .view(ToyConcepts.Shapes.Count, ToyConcepts.Colours.Count, -1);
            return all.index_select(0, cat(drawings.Select(e => full(1, (long)e.Shape, dtype: int64)).ToList())).MoveToOuterDisposeScope();
        });
    }

    /// <summary>
    /// For each of <paramref name="images"/> (drawings <paramref name="drawings"/>), whether its own colour wins among the eight colour
    /// prompts of its shape (<see cref="ColourPrompts"/>). Hooks on the model (ablations, patches) act as in any forward pass.
    /// </summary>
    public static bool[] ColourCorrect(ToyClipModel model, Tensor images, IReadOnlyList<ToyExample> drawings)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(drawings);
        if (images.shape[0] != drawings.Count)
            throw new ArgumentException($"{images.shape[0]} pictures for {drawings.Count} drawings: give one drawing per picture.", nameof(drawings));
        return InEval(model, () =>
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            var prompts = ColourPrompts(model, drawings);                                                      // [N, 8, D]
            var picture = nn.functional.normalize(model.EncodeImage(images), dim: 1).unsqueeze(-1);            // [N, D, 1]
            var best = prompts.matmul(picture).squeeze(-1).argmax(1).data<long>().ToArray();
            return drawings.Select((e, i) => best[i] == e.Colour).ToArray();
        });
    }

    /// <summary>The share of <see cref="ColourCorrect"/> drawings.</summary>
    public static double ColourAccuracy(ToyClipModel model, Tensor images, IReadOnlyList<ToyExample> drawings) =>
        ColourCorrect(model, images, drawings).Count(c => c) / (double)drawings.Count;

    /// <summary>
    /// Zero-shot classification over the twelve shapes of the first <paramref name="perKind"/> drawings and word pictures of the
    /// dataset with seed <paramref name="seed"/> (use a seed the model was not trained on).
    /// </summary>
    public static ToyZeroShot ZeroShot(ToyClipModel model, int seed = 1_000_003, int perKind = 300) =>
        InEval(model, () => new ToyZeroShot(Accuracy(model, HeldOut(seed, ToyKind.Drawing, perKind), DrawingPrompt),
                                            Accuracy(model, HeldOut(seed, ToyKind.Word, perKind), WordPrompt), perKind));

    /// <summary>
    /// Zero-shot accuracy on the same <paramref name="perFont"/> held-out word pictures written in each shipped font
    /// (<see cref="Runtime.SkiaRuntime.FontFiles"/>; the model was trained on <see cref="Runtime.SkiaRuntime.TrainingFont"/> only).
    /// Only the font changes: place, colour and width of each word stay (see <see cref="ToyExample.Draw"/>).
    /// </summary>
    public static IReadOnlyList<(string Font, double Accuracy)> WordsByFont(ToyClipModel model, int seed = 1_000_003, int perFont = 300)
    {
        var examples = HeldOut(seed, ToyKind.Word, perFont);
        return InEval(model, () => Runtime.SkiaRuntime.FontFiles.Keys
            .Select(font => (font, Accuracy(model, [.. examples.Select(e => e with { Font = font == Runtime.SkiaRuntime.TrainingFont ? null : font })], WordPrompt)))
            .ToList());
    }

    /// <summary>
    /// How the model reads each of <paramref name="images"/> [N, 3, 64, 64] (<see cref="ToyReading"/>): a judge of what a
    /// picture shows — a drawing or a written name, and of which shape — that needs no labels, e.g. for feature visualizations.
    /// </summary>
    public static IReadOnlyList<ToyReading> Read(ToyClipModel model, Tensor images) => InEval(model, () =>
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var prompts = Enumerable.Range(0, ToyConcepts.Shapes.Count).Select(DrawingPrompt)
            .Concat(Enumerable.Range(0, ToyConcepts.Shapes.Count).Select(WordPrompt)).ToList();
        var text = model.EncodeText(ToyVocabulary.EncodeAll(prompts));
        var probabilities = model.Logits(model.EncodeImage(images), text).softmax(1);
        var best = probabilities.argmax(1).data<long>().ToArray();
        var word = probabilities[.., ToyConcepts.Shapes.Count..].sum(1).to(float64).data<double>().ToArray();
        return (IReadOnlyList<ToyReading>)[.. best.Select((b, i) => new ToyReading(prompts[(int)b], word[i]))];
    });

    /// <summary>
    /// The first <paramref name="count"/> examples of <paramref name="kind"/> in the dataset with <paramref name="seed"/> (the held-out
    /// pictures <see cref="ZeroShot"/> measures on, for the default seed).
    /// </summary>
    public static IReadOnlyList<ToyExample> HeldOut(int seed, ToyKind kind, int count)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "Measure at least one picture.");
        var data = new ToyDataset(seed);
        var examples = new List<ToyExample>();
        for (long i = 0; examples.Count < count; i++)
            if (data.Example(i) is { } e && e.Kind == kind) examples.Add(e);
        return examples;
    }

    static double Accuracy(ToyClipModel model, IReadOnlyList<ToyExample> examples, Func<int, string> prompt)
    {
        using var scope = NewDisposeScope();
        using var classifier = ZeroShotClassifier.FromPrompts(model, ToyConcepts.Shapes.Count, prompt);
        return classifier.Accuracy(stack(examples.Select(e => e.Draw()).ToList()), [.. examples.Select(e => e.Shape)]);
    }

    static T InEval<T>(ToyClipModel model, Func<T> measure)
    {
        bool training = model.training;
        model.eval();
        try { return measure(); }
        finally { if (training) model.train(); }
    }
}
