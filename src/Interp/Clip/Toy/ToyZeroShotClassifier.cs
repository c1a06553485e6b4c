using static TorchSharp.torch;

namespace Interp.Clip.Toy;

/// <summary>
/// The toy CLIP as a classifier over the twelve shapes: one prompt per shape embedded once, and each picture given the shape
/// whose prompt it is most similar to. Used by zero-shot evaluation and by typographic attacks.
/// </summary>
public sealed class ToyZeroShotClassifier : IDisposable
{
    readonly ToyClipModel _model;
    readonly Tensor _prompts;

    /// <summary>A classifier whose prompt for shape s is <paramref name="prompt"/>(s), e.g. <see cref="ToyClipEvaluation.DrawingPrompt"/>.</summary>
    public ToyZeroShotClassifier(ToyClipModel model, Func<int, string> prompt)
    {
        _model = model;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var tokens = ToyVocabulary.EncodeAll([.. Enumerable.Range(0, ToyConcepts.Shapes.Count).Select(prompt)]);
        _prompts = model.EncodeText(tokens).DetachFromDisposeScope();
    }

    /// <summary>The predicted shape index of each picture [N, 3, 64, 64].</summary>
    public long[] Predict(Tensor images)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        return _model.Logits(_model.EncodeImage(images), _prompts).argmax(1).data<long>().ToArray();
    }

    /// <inheritdoc/>
    public void Dispose() => _prompts.Dispose();
}
