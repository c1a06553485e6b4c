using Interp.Clip;
using Interp.ToyWorld;
using static TorchSharp.torch;

namespace Interp.Dynamics;

/// <summary>
/// The fixed pictures <see cref="TrajectoryMeasures"/> shows every checkpoint, drawn once from <see cref="DynamicsProbes"/>: held-out
/// drawings and word pictures (<see cref="ToyClipEvaluation.HeldOut"/>), a held-out loss batch, notebook 04's concept pictures and
/// attack victims (same seeds as there), and the tuning pictures. Owns its tensors.
/// </summary>
public sealed class ProbePictures : IDisposable
{
    /// <summary>Draws the pictures <paramref name="probes"/> asks for.</summary>
    public ProbePictures(DynamicsProbes probes)
    {
        ArgumentNullException.ThrowIfNull(probes);
        probes.Validate();
        using var scope = NewDisposeScope();
        DrawingExamples = ToyClipEvaluation.HeldOut(probes.HeldOutSeed, ToyKind.Drawing, probes.PerKind);
        WordExamples = ToyClipEvaluation.HeldOut(probes.HeldOutSeed, ToyKind.Word, probes.PerKind);
        Drawings = Draw(DrawingExamples).MoveToOuterDisposeScope();
        Words = Draw(WordExamples).MoveToOuterDisposeScope();
        var (images, tokens, _) = new ToyDataset(probes.HeldOutSeed).Batch(0, probes.LossBatch);
        (LossImages, LossTokens) = (images.MoveToOuterDisposeScope(), tokens.MoveToOuterDisposeScope());
        var conceptRandom = new Random(5);
        Tensor Concept(ToyKind kind, int shape) => Draw(Enumerable.Range(0, probes.ConceptPictures)
            .Select(_ => ToyDataset.Example(conceptRandom, kind, shape, conceptRandom.Next(ToyConcepts.Colours.Count)) with { Distractor = null }).ToList());
        ConceptPictures = [.. Enumerable.Range(0, ToyConcepts.Shapes.Count).Select(s => Concept(ToyKind.Drawing, s).MoveToOuterDisposeScope())];
        ConceptWords = [.. Enumerable.Range(0, ToyConcepts.Shapes.Count).Select(s => Concept(ToyKind.Word, s).MoveToOuterDisposeScope())];
        int star = ToyConcepts.Shape("star");
        var attackRandom = new Random(42);
        Victims = Draw(Enumerable.Range(0, probes.Victims).Select(i => ToyDataset.Example(attackRandom, ToyKind.Drawing,
            (star + 1 + i % (ToyConcepts.Shapes.Count - 1)) % ToyConcepts.Shapes.Count, attackRandom.Next(ToyConcepts.Colours.Count)) with { Distractor = null }).ToList())
            .MoveToOuterDisposeScope();
        var tuningData = new ToyDataset(probes.HeldOutSeed + 1);
        Tuning = Draw(Enumerable.Range(0, probes.TuningPictures).Select(i => tuningData.Example(i)).ToList()).MoveToOuterDisposeScope();
    }

    static Tensor Draw(IReadOnlyList<ToyExample> examples) => stack(examples.Select(e => e.Draw()).ToList());

    /// <summary>The held-out drawings' examples (shape and colour labels).</summary>
    public IReadOnlyList<ToyExample> DrawingExamples { get; }

    /// <summary>The held-out word pictures' examples.</summary>
    public IReadOnlyList<ToyExample> WordExamples { get; }

    /// <summary>The held-out drawings [N, 3, 64, 64].</summary>
    public Tensor Drawings { get; }

    /// <summary>The held-out word pictures.</summary>
    public Tensor Words { get; }

    /// <summary>Held-out pictures for the contrastive loss.</summary>
    public Tensor LossImages { get; }

    /// <summary>Their captions' tokens.</summary>
    public Tensor LossTokens { get; }

    /// <summary>Per shape, drawings of it (notebook 04's multimodality probe).</summary>
    public IReadOnlyList<Tensor> ConceptPictures { get; }

    /// <summary>Per shape, its written name.</summary>
    public IReadOnlyList<Tensor> ConceptWords { get; }

    /// <summary>Drawings of shapes other than the star, for the typographic attack.</summary>
    public Tensor Victims { get; }

    /// <summary>Held-out pictures of every kind: the tuning probe and the curve search's natural scale.</summary>
    public Tensor Tuning { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        foreach (var t in new[] { Drawings, Words, LossImages, LossTokens, Victims, Tuning }.Concat(ConceptPictures).Concat(ConceptWords)) t.Dispose();
    }
}
