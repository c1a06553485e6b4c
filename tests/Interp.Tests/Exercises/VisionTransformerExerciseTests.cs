using Interp.Exercises;
using Interp.Exercises.VisionTransformers;
using Interp.Hooks;
using Interp.Models.Vit;
using Interp.Transformers;
using static TorchSharp.torch;

namespace Interp.Tests.Exercises;

public class VisionTransformerExerciseTests
{
    static Tensor Pattern(Tensor q, Tensor k, bool scale = true, int axis = -1) =>
        (q.permute(0, 2, 1, 3).matmul(k.permute(0, 2, 3, 1)) / (scale ? Math.Sqrt(q.shape[^1]) : 1)).softmax(axis);

    [Fact] public void The_solution_of_06_1_passes() => AssertPasses(AttentionPatternExercise.Check((q, k) => Pattern(q, k)));
    [Fact] public void Forgetting_the_scale_fails_06_1() => AssertFails(AttentionPatternExercise.Check((q, k) => Pattern(q, k, scale: false)), "differs from the reference");
    [Fact] public void Normalizing_over_queries_fails_06_1() => AssertFails(AttentionPatternExercise.Check((q, k) => Pattern(q, k, axis: -2)), "differs from the reference");
    [Fact] public void Keeping_tokens_before_heads_fails_06_1() =>
        AssertFails(AttentionPatternExercise.Check((q, k) => q.matmul(k.transpose(-1, -2)).softmax(-1)), "should have shape");
    [Fact] public void An_unstabilized_softmax_fails_06_1() => AssertFails(AttentionPatternExercise.Check((q, k) =>
    {
        var e = (q.permute(0, 2, 1, 3).matmul(k.permute(0, 2, 3, 1)) / Math.Sqrt(q.shape[^1])).exp();
        return e / e.sum(-1, keepdim: true);
    }), "NaN");

    static Tensor Contribution(Tensor c, Tensor final, Tensor gamma, Tensor projection, bool centre = true, bool ownScale = false, bool bias = false)
    {
        var source = ownScale ? c : final;
        var sigma = (source.var(1, unbiased: false, keepdim: true) + 1e-5).sqrt();
        var result = ((centre ? c - c.mean([1], keepdim: true) : c) / sigma * gamma).matmul(projection);
        return bias ? result + 0.1 : result;
    }

    [Fact] public void The_solution_of_06_2_passes() => AssertPasses(HeadContributionExercise.Check((c, f, g, p) => Contribution(c, f, g, p)));
    [Fact] public void Not_centring_fails_06_2() => AssertFails(HeadContributionExercise.Check((c, f, g, p) => Contribution(c, f, g, p, centre: false)), "differs");
    [Fact] public void The_components_own_scale_fails_06_2() => AssertFails(HeadContributionExercise.Check((c, f, g, p) => Contribution(c, f, g, p, ownScale: true)), "differs");
    [Fact] public void Adding_a_bias_to_each_fails_06_2() => AssertFails(HeadContributionExercise.Check((c, f, g, p) => Contribution(c, f, g, p, bias: true)), "differs");

    /// <summary>A random tiny ViT's decomposition of 12 pictures, 4 prompts, a label per picture: heads differ enough to rank.</summary>
    sealed class WordCase : IDisposable
    {
        public WordCase()
        {
            Tower = new VitImageTower("visual", new VitSettings(ImageSize: 8, Patch: 4, Width: 8, Layers: 2, Heads: 2, MlpRatio: 2, OutputDim: 6), seed: 11);
            Model = new HookedModel("tiny-vit", Tower, new InputConvention(8, "identity"));
            using var images = rand([12, 3, 8, 8], generator: new Generator().manual_seed(12));
            Parts = DirectLogitAttribution.Decompose(Model, images);
            Prompts = nn.functional.normalize(randn(4, 6, generator: new Generator().manual_seed(13)), dim: 1);
            Labels = [.. Enumerable.Range(0, 12).Select(i => i % 4)];
        }
        public VitImageTower Tower { get; }
        public HookedModel Model { get; }
        public EmbeddingDecomposition Parts { get; }
        public Tensor Prompts { get; }
        public int[] Labels { get; }
        public void Dispose() { Parts.Dispose(); Prompts.Dispose(); Model.Dispose(); Tower.Dispose(); }
    }

    /// <summary>The learner's computation, with the mistakes the wrong-answer tests make.</summary>
    static (int, int) WordHead(EmbeddingDecomposition parts, Tensor prompts, IReadOnlyList<int> labels, double scale, bool subtractMean = true, bool signFlipped = false)
    {
        using var logits = parts.Logits(prompts, scale);
        using var index = tensor(labels.Select(l => (long)l).ToArray()).view(-1, 1, 1).expand(-1, logits.shape[1], 1);
        using var correct = logits.gather(2, index).squeeze(2);
        using var margin = (subtractMean ? correct - logits.mean([2]) : correct).mean([0]);
        var values = margin.data<float>().ToArray();
        var heads = Enumerable.Range(0, parts.Layers).SelectMany(l => Enumerable.Range(0, parts.Heads).Select(h => (l, h)));
        return heads.MaxBy(x => signFlipped ? -values[parts.HeadIndex(x.l, x.h)] : values[parts.HeadIndex(x.l, x.h)]);
    }

    [Fact]
    public void The_solution_of_06_3_passes_and_its_mistakes_fail()
    {
        using var c = new WordCase();
        AssertPasses(WordHeadExercise.Check((p, e, l, s) => WordHead(p, e, l, s), c.Parts, c.Prompts, c.Labels, 10));
        AssertFails(WordHeadExercise.Check((p, e, l, s) => WordHead(p, e, l, s, subtractMean: false), c.Parts, c.Prompts, c.Labels, 10), "another head adds more");
        AssertFails(WordHeadExercise.Check((p, e, l, s) => WordHead(p, e, l, s, signFlipped: true), c.Parts, c.Prompts, c.Labels, 10), "another head adds more");
        AssertFails(WordHeadExercise.Check((_, _, _, _) => (2, 0), c.Parts, c.Prompts, c.Labels, 10), "does not exist");
    }

    static void AssertPasses(CheckResult r) => Assert.True(r.Passed, r.ToString());

    static void AssertFails(CheckResult r, string messagePart)
    {
        Assert.False(r.Passed, r.ToString());
        Assert.Contains(messagePart, r.Message);
    }
}
