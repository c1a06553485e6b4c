using Interp.Clip;
using Interp.Hooks;
using Interp.Models;
using Interp.ToyWorld;
using static TorchSharp.torch;

namespace Interp.Multimodal;

/// <summary>What <see cref="ClipStudy.Run"/> found on one CLIP model.</summary>
/// <param name="Model">The model's zoo name.</param>
/// <param name="DrawingAccuracy">Zero-shot accuracy on drawings of the twelve shapes (prompts "a drawing of a {shape}.").</param>
/// <param name="WordAccuracy">Zero-shot accuracy on the shapes' written names (prompts "the word {shape}.").</param>
/// <param name="Multimodality">Picture and word profiles of every unit of the studied layer, with the permutation baseline.</param>
/// <param name="Attack">"star" written on drawings of the other shapes, against a same-length nonsense control.</param>
public sealed record ClipStudyReport(string Model, double DrawingAccuracy, double WordAccuracy, MultimodalityReport Multimodality, AttackReport Attack);

/// <summary>
/// Notebook 04's analysis of the toy CLIP, run on a real CLIP (<c>ModelZoo.Load("clip-rn50")</c>): the toy world's drawings and
/// written names at the model's input size, zero-shot classification with CLIP's text tower, multimodal units of a layer
/// against a permutation baseline, and a typographic attack against its control. It differs from the toy analysis only where
/// the model does: prompts end with a full stop as CLIP's do, images are drawn at the model's size, and the written word's
/// placement is scaled from the toy's 64 px.
/// </summary>
public static class ClipStudy
{
    /// <summary>Drawing prompt for a shape, CLIP style.</summary>
    public static string DrawingPrompt(string shape) => $"a drawing of {ToyVocabulary.Article(shape)} {shape}.";

    /// <summary>Written-word prompt for a shape, CLIP style.</summary>
    public static string WordPrompt(string shape) => $"the word {shape}.";

    /// <summary>
    /// Runs the study on <paramref name="model"/> (any CLIP, e.g. <c>OpenAiClip.LoadClip("clip-rn50")</c>), reading units of
    /// <paramref name="layer"/> (default: the last convolutional stage of OpenAI's ResNet CLIPs, where Goh et al. found multimodal units).
    /// The prompts default to CLIP's style (<see cref="DrawingPrompt"/>, <see cref="WordPrompt"/>); give ones in the model's vocabulary
    /// otherwise (the toy CLIP's have no full stop: <c>ToyClipEvaluation.DrawingPrompt</c>).
    /// </summary>
    public static ClipStudyReport Run(HookedClip model, string layer = "visual.layer4", int perConcept = 8, int victims = 60,
        int permutations = 200, int seed = 0, Func<string, string>? drawingPrompt = null, Func<string, string>? wordPrompt = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        drawingPrompt ??= DrawingPrompt;
        wordPrompt ??= WordPrompt;
        var clip = model.Hooked;
        if (perConcept < 1) throw new ArgumentOutOfRangeException(nameof(perConcept), perConcept, "Draw at least one example per concept.");
        if (victims < 1) throw new ArgumentOutOfRangeException(nameof(victims), victims, "Attack at least one drawing.");
        clip.RequireLayer(layer);
        int size = clip.Input.Size;
        var shapes = ToyConcepts.Shapes;
        var (pictures, words) = Images(size, perConcept, seed);
        try
        {
            var multimodality = Multimodality.Measure(clip, layer, shapes, pictures, words, permutations: permutations, seed: seed);
            using var drawingPrompts = ZeroShotClassifier.FromPrompts(model.Clip, shapes.Count, s => drawingPrompt(shapes[s]));
            using var wordPrompts = ZeroShotClassifier.FromPrompts(model.Clip, shapes.Count, s => wordPrompt(shapes[s]));
            double drawingAccuracy = AccuracyOf(drawingPrompts, pictures);
            double wordAccuracy = AccuracyOf(wordPrompts, words);

            int star = ToyConcepts.Shape("star");
            var random = new Random(seed + 1);
            using var targets = Stack(Enumerable.Range(0, victims).Select(i => Draw(random, ToyKind.Drawing, (star + 1 + i % (shapes.Count - 1)) % shapes.Count, size)));
            float scale = size / (float)ToyDataset.ImageSize;
            var baseline = TypographicAttack.ToyBaseline;
            var placement = new TextPlacement(baseline.X * scale, baseline.Y * scale, baseline.Size * scale, baseline.Grey);
            var attack = TypographicAttack.Measure(targets, images => drawingPrompts.Predict(images), "star", star, placement, seed: seed);
            return new ClipStudyReport(clip.Name, drawingAccuracy, wordAccuracy, multimodality, attack);
        }
        finally
        {
            foreach (var t in pictures.Concat(words)) t.Dispose();
        }
    }

    /// <summary>
    /// The study's concept images at <paramref name="size"/> px: per shape, <paramref name="perConcept"/> drawings and as many
    /// written names (random colours and placements of the toy world, no distractor text), the same for the same seed.
    /// </summary>
    public static (IReadOnlyList<Tensor> Pictures, IReadOnlyList<Tensor> Words) Images(int size, int perConcept, int seed)
    {
        var random = new Random(seed);
        var pictures = new List<Tensor>();
        var words = new List<Tensor>();
        for (int s = 0; s < ToyConcepts.Shapes.Count; s++)
        {
            pictures.Add(Stack(Enumerable.Range(0, perConcept).Select(_ => Draw(random, ToyKind.Drawing, s, size))));
            words.Add(Stack(Enumerable.Range(0, perConcept).Select(_ => Draw(random, ToyKind.Word, s, size))));
        }
        return (pictures, words);
    }

    /// <summary>Stacks freshly drawn pictures into a batch and frees the single pictures (TorchSharp leaks native memory otherwise).</summary>
    static Tensor Stack(IEnumerable<Tensor> pictures)
    {
        var list = pictures.ToList();
        try { return stack(list); }
        finally { foreach (var t in list) t.Dispose(); }
    }

    static Tensor Draw(Random random, ToyKind kind, int shape, int size) =>
        (ToyDataset.Example(random, kind, shape, random.Next(ToyConcepts.Colours.Count)) with { Distractor = null }).Draw(size);

    static double AccuracyOf(ZeroShotClassifier classifier, IReadOnlyList<Tensor> perShape)
    {
        int right = 0, total = 0;
        for (int s = 0; s < perShape.Count; s++)
        {
            var predicted = classifier.Predict(perShape[s]);
            right += predicted.Count(p => p == s);
            total += predicted.Length;
        }
        return right / (double)total;
    }
}
