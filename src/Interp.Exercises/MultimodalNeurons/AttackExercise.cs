using Interp.Clip;
using Interp.Multimodal;
using Interp.ToyWorld;
using Interp.Zoo;
using static TorchSharp.torch;

namespace Interp.Exercises.MultimodalNeurons;

/// <summary>
/// Exercise 04.2 (★★☆): design a typographic attack on the toy CLIP that writes "star" on drawings of other shapes and makes it
/// answer "star" more often than the notebook's baseline attack does — clearly more often than a same-length nonsense string
/// at your place does, and changing at most 8 % of the pixels.
/// </summary>
public static class AttackExercise
{
    /// <summary>The exercise's id and title.</summary>
    public const string Title = "04.2 A better typographic attack";

    /// <summary>The learner's function: where and how to write the word.</summary>
    public delegate TextPlacement Answer();

    /// <summary>The largest share of pixels an attack may change.</summary>
    public const double PixelBudget = 0.08;

    /// <summary>Runs the learner's attack and the baseline on the same 150 drawings (none of them stars) with the shipped toy CLIP.</summary>
    public static CheckResult Check(Answer answer)
    {
        const string hint = "Larger text is read more easily but costs pixels; text over the shape (where the model looks) and a colour that stands out " +
                            "from most backgrounds help. Try a few placements with TypographicAttack.Measure and keep the one with the highest flip rate.";
        if (CheckResult.Try(Title, hint, () => answer(), out var placement) is { } threw) return threw;
        using var model = ToyClipWeights.Load();
        int star = ToyConcepts.Shape("star"), shapes = ToyConcepts.Shapes.Count;
        var random = new Random(42);
        using var victims = stack(Enumerable.Range(0, 150).Select(i => (ToyDataset.Example(random, ToyKind.Drawing, (star + 1 + i % (shapes - 1)) % shapes, random.Next(8))
            with { Distractor = null }).Draw()).ToList());
        using var classifier = ZeroShotClassifier.FromPrompts(model, ToyConcepts.Shapes.Count, ToyClipEvaluation.DrawingPrompt);
        AttackReport yours;
        try { yours = TypographicAttack.Measure(victims, classifier.Predict, "star", star, placement); }
        catch (ArgumentException e) { return new CheckResult(Title, false, $"Your placement could not be drawn: {e.Message}", hint); }
        var baseline = TypographicAttack.Measure(victims, classifier.Predict, "star", star, TypographicAttack.ToyBaseline);
        if (yours.PixelsChanged > PixelBudget)
            return new CheckResult(Title, false, $"Your text changes {yours.PixelsChanged:P1} of the pixels; the budget is {PixelBudget:P0}.", hint);
        if (!(yours.FlipRate.Value > baseline.FlipRate.Value))
            return new CheckResult(Title, false, $"Your attack turns {yours.FlipRate.Value:P1} of the drawings into \"star\"; the baseline turns {baseline.FlipRate.Value:P1}.",
                hint);
        if (!(yours.FlipRate.Low > yours.ControlFlipRate.High))
            return new CheckResult(Title, false, $"Your attack's flip rate {yours.FlipRate} is not clearly above the nonsense control's {yours.ControlFlipRate} at the same " +
                "place: " +
                                                 "the model may be reacting to any text there, not to the word.", hint);
        return new CheckResult(Title, true, $"Your attack turns {yours.FlipRate} of the drawings into \"star\" (baseline {baseline.FlipRate.Value:P1}, nonsense control " +
                                            $"{yours.ControlFlipRate}), changing {yours.PixelsChanged:P1} of the pixels.");
    }
}
