using Interp.Transformers;
using static TorchSharp.torch;

namespace Interp.Exercises.VisionTransformers;

/// <summary>
/// Exercise 06.3 (★★☆): find the word-reading head — from the decomposition of word pictures' embeddings, each head's mean
/// direct effect on the correct prompt's logit minus its mean effect on all the prompts' logits (what a head adds to every
/// prompt alike does not help choose one); the head with the largest.
/// </summary>
public static class WordHeadExercise
{
    /// <summary>The exercise's id and title.</summary>
    public const string Title = "06.3 Find the word-reading head";

    /// <summary>
    /// The learner's function: (decomposition of N word pictures, L2-normalized prompt embeddings [K, D], each picture's
    /// class, the logit scale) → the (block, head) with the largest mean direct effect on the correct logit over the mean.
    /// </summary>
    public delegate (int Layer, int Head) Answer(EmbeddingDecomposition words, Tensor prompts, IReadOnlyList<int> labels, double logitScale);

    /// <summary>Checks the answer against the effects computed here from the same decomposition; a head within 1 % of the best also passes.</summary>
    public static CheckResult Check(Answer answer, EmbeddingDecomposition words, Tensor prompts, IReadOnlyList<int> labels, double logitScale)
    {
        const string hint = "words.Logits(prompts, logitScale) gives every component's effect on every prompt's logit, [N, components, K]. For each " +
                            "picture take the effect on its own class's prompt minus the mean over the K prompts; average over pictures; among the " +
                            "components named blocks.{l}.attn.head{h} (words.HeadIndex(l, h)) keep the largest.";
        var effects = Effects(words, prompts, labels, logitScale);
        var heads = Enumerable.Range(0, words.Layers).SelectMany(l => Enumerable.Range(0, words.Heads).Select(h => (l, h))).ToList();
        var best = heads.MaxBy(x => effects[words.HeadIndex(x.l, x.h)]);
        double top = effects[words.HeadIndex(best.l, best.h)];
        if (CheckResult.Try(Title, hint, () => answer(words, prompts, labels, logitScale), out var got) is { } threw) return threw;
        if (got.Layer < 0 || got.Layer >= words.Layers || got.Head < 0 || got.Head >= words.Heads)
            return new CheckResult(Title, false, $"Head {got.Layer}.{got.Head} does not exist: blocks 0–{words.Layers - 1}, heads 0–{words.Heads - 1}.", hint);
        double mine = effects[words.HeadIndex(got.Layer, got.Head)];
        bool ok = mine >= top - 0.01 * Math.Abs(top);
        return ok
            ? new CheckResult(Title, true, $"Head {got.Layer}.{got.Head} adds {mine:F2} to the correct word's logit over the mean prompt: no head adds more.")
            : new CheckResult(Title, false, $"Head {got.Layer}.{got.Head} adds {mine:F2} to the correct word's logit over the mean prompt; another head adds more.", hint);
    }

    /// <summary>Per component, the mean over pictures of its effect on the correct logit minus its mean effect over all logits.</summary>
    static double[] Effects(EmbeddingDecomposition words, Tensor prompts, IReadOnlyList<int> labels, double logitScale)
    {
        if (labels.Count != words.Terms.shape[0])
            throw new ArgumentException($"Give one label per picture: {words.Terms.shape[0]} pictures, {labels.Count} labels.", nameof(labels));
        using var scope = NewDisposeScope();
        var logits = words.Logits(prompts, logitScale).to(float64);                                       // [N, C, K]
        var index = tensor(labels.Select(l => (long)l).ToArray()).view(-1, 1, 1).expand(-1, logits.shape[1], 1);
        var margin = logits.gather(2, index).squeeze(2) - logits.mean([2]);                               // [N, C]
        return margin.mean([0]).data<double>().ToArray();
    }
}
