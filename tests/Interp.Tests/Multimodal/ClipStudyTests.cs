using Interp.Clip;
using Interp.FeatureVisualization.Facets;
using Interp.FeatureVisualization.Objectives;
using Interp.FeatureVisualization.Rendering;
using Interp.Zoo;
using Interp.Multimodal;
using Interp.Units;
using Interp.Models.ToyClip;
using Interp.ToyWorld;
using static TorchSharp.torch;

namespace Interp.Tests.Multimodal;

/// <summary>
/// Notebook 04's real-CLIP study, run end to end on the shared CLIP fixture (OpenAI's CLIP code, RN50 layout at width 16,
/// loaded through the zoo path the real RN50 takes). The fixture is not trained, so the numbers mean nothing; the tests check
/// that each number is what an independent computation on the same images gives.
/// </summary>
[Trait("Needs", TestPaths.NeedsFixtures)]
public class ClipStudyTests
{
    static string Archive => TestPaths.Fixture("clip-modified-resnet-small", "model.jit.pt");

    [SkippableFact]
    public void The_study_runs_on_a_clip_through_the_zoo_path_and_its_accuracies_match_zero_shot_classification()
    {
        Skip.IfNot(File.Exists(Archive), $"The CLIP fixture is absent ({Archive}).");
        using var hookedClip = OpenAiClip.LoadClip("clip-rn50", Archive);
        var clip = hookedClip.Hooked;
        var report = ClipStudy.Run(hookedClip, perConcept: 2, victims: 6, permutations: 20, seed: 3);

        Assert.Equal("clip-rn50", report.Model);
        var layer4 = clip.Layers().Single(l => l.Name == "visual.layer4");
        Assert.Equal(layer4.Shape[1], report.Multimodality.Scores.Count);          // every unit of the layer scored
        Assert.Equal(20, report.Multimodality.ShuffledCounts.Count);
        Assert.Equal(6, report.Attack.Images);

        // Independently: CLIP's zero-shot classification of the same images, prompts as class names.
        var (pictures, words) = ClipStudy.Images(224, 2, 3);
        var model = hookedClip.Clip;
        double Accuracy(IReadOnlyList<Tensor> perShape, Func<string, string> prompt)
        {
            using var all = cat(perShape.ToList());
            using var classifier = ZeroShotClassifier.FromTemplates(model, [.. ToyConcepts.Shapes.Select(prompt)], ["{}"]);
            var result = classifier.Classify(all);
            int right = 0;
            for (int i = 0; i < all.shape[0]; i++)
                if (Enumerable.Range(0, ToyConcepts.Shapes.Count).MaxBy(k => result.Logits[i, k]) == i / 2) right++;
            return right / (double)all.shape[0];
        }
        Assert.Equal(Accuracy(pictures, ClipStudy.DrawingPrompt), report.DrawingAccuracy);
        Assert.Equal(Accuracy(words, ClipStudy.WordPrompt), report.WordAccuracy);
        foreach (var t in pictures.Concat(words)) t.Dispose();
    }

    [Fact]
    public void The_study_runs_on_the_toy_clip_through_the_same_interface_and_its_accuracies_are_recounted_by_hand()
    {
        var model = ToyClipWeights.Load();
        using var toy = HookedClip.Create("toy-clip", model, new Interp.Hooks.InputConvention(64, "identity"));
        string Drawing(string shape) => ToyClipEvaluation.DrawingPrompt(ToyConcepts.Shape(shape));
        var report = ClipStudy.Run(toy, layer: "visual.stage4", perConcept: 2, victims: 6, permutations: 20, seed: 3,
            drawingPrompt: Drawing, wordPrompt: shape => ToyClipEvaluation.WordPrompt(ToyConcepts.Shape(shape)));
        Assert.Equal(128, report.Multimodality.Scores.Count);
        // Independently of the classifier: cosine of each picture's image embedding with each prompt's text embedding.
        var (pictures, _) = ClipStudy.Images(64, 2, 3);
        using var __ = no_grad();
        using var prompts = model.EncodeText(ToyVocabulary.EncodeAll([.. ToyConcepts.Shapes.Select(Drawing)]));
        int right = 0, total = 0;
        for (int s = 0; s < pictures.Count; s++)
        {
            using var image = model.EncodeImage(pictures[s]);
            var i = image / image.norm(-1, keepdim: true);
            var t = prompts / prompts.norm(-1, keepdim: true);
            using var best = i.matmul(t.t()).argmax(1);
            var predicted = best.data<long>().ToArray();
            right += predicted.Count(p => p == s);
            total += predicted.Length;
        }
        Assert.Equal(right / (double)total, report.DrawingAccuracy);

        // A multimodality score by hand: the Pearson correlation over the 12 shapes of unit u's mean visual.stage4 response to
        // the drawings and to the written names (activations read through the hooks, averaged over images and positions here).
        var (drawn, written) = ClipStudy.Images(64, 2, 3);
        double[] Profile(IReadOnlyList<Tensor> perShape, int unit) => [.. perShape.Select(batch =>
        {
            using var cache = toy.Hooked.RunWithCache(batch, "visual.stage4");
            return cache["visual.stage4"][.., unit].to(float64).mean().item<double>();
        })];
        int top = Enumerable.Range(0, 128).MaxBy(u => report.Multimodality.Scores[u]);
        foreach (var unit in new[] { 0, top })
        {
            double[] a = Profile(drawn, unit), b = Profile(written, unit);
            double ma = a.Average(), mb = b.Average();
            double r = a.Zip(b).Sum(p => (p.First - ma) * (p.Second - mb)) / Math.Sqrt(a.Sum(x => (x - ma) * (x - ma)) * b.Sum(y => (y - mb) * (y - mb)));
            Assert.Equal(r, report.Multimodality.Scores[unit], 1e-9);
        }

        // The attack's flip rate by hand: the study's 6 victims (seed + 1), "star" written at the baseline place, each picture
        // called by its most cosine-similar drawing prompt; the rate counts only victims not already called a star.
        int star = ToyConcepts.Shape("star");
        var random = new Random(3 + 1);
        using var victims = stack(Enumerable.Range(0, 6).Select(i => (ToyDataset.Example(random, ToyKind.Drawing, (star + 1 + i % 11) % 12,
            random.Next(ToyConcepts.Colours.Count)) with { Distractor = null }).Draw(64)).ToList());
        var place = TypographicAttack.ToyBaseline;
        using var attacked = TextOverlay.Paste(victims, "star", place.X, place.Y, place.Size, place.Grey);
        long[] Call(Tensor images)
        {
            using var e = model.EncodeImage(images);
            using var best = (e / e.norm(-1, keepdim: true)).matmul((prompts / prompts.norm(-1, keepdim: true)).t()).argmax(1);
            return best.data<long>().ToArray();
        }
        var before = Call(victims);
        var after = Call(attacked);
        var eligible = Enumerable.Range(0, 6).Where(i => before[i] != star).ToList();
        Assert.Equal(eligible.Count, report.Attack.Eligible);
        Assert.Equal(eligible.Count(i => after[i] == star) / (double)eligible.Count, report.Attack.FlipRate.Value, 1e-12);
        foreach (var t in drawn.Concat(written).Concat(pictures)) t.Dispose();
        Assert.Contains("image size", Assert.Throws<ArgumentException>(() => HookedClip.Create("toy", new ToyClipModel(), new Interp.Hooks.InputConvention(224,
            "identity"))).Message);
    }

    [Fact]
    public void The_concept_images_are_the_same_for_a_seed_and_drawn_at_the_asked_size()
    {
        var (a, _) = ClipStudy.Images(96, 1, 5);
        var (b, words) = ClipStudy.Images(96, 1, 5);
        Assert.Equal(ToyConcepts.Shapes.Count, a.Count);
        Assert.Equal([1L, 3, 96, 96], a[0].shape);
        Assert.True(a.Zip(b).All(p => p.First.allclose(p.Second, 0, 0)));
        Assert.False(a[0].allclose(words[0], 0, 0));
        foreach (var t in a.Concat(b).Concat(words)) t.Dispose();
    }

    [SkippableFact]
    public void A_facet_of_clips_layer3_steers_a_layer4_unit_with_the_attribution_the_gradient_cache_computes_independently()
    {
        Skip.IfNot(File.Exists(Archive), $"The CLIP fixture is absent ({Archive}).");
        using var clip = OpenAiClip.Load("clip-rn50", Archive);
        var (pictures, words) = ClipStudy.Images(224, 2, 5);
        using var wordImages = cat(words.ToList());
        using var pictureImages = cat(pictures.ToList());
        var fit = FacetProbe.Fit(clip, "visual.layer3", wordImages, pictureImages, "words", new FacetProbeOptions(HeldOutFraction: 0.25));
        Assert.Equal(clip.Layers().Single(l => l.Name == "visual.layer3").Shape[1], fit.Facet.Channels);

        const int unit = 7;
        var target = Objectives.Channel(new Unit("visual.layer4", unit));
        using var images = wordImages[..3].clone();
        var scored = Renderer.Score(clip, Objectives.Facet(target, fit.Facet), images).to(float64).data<double>().ToArray();

        // Independently: activations and gradients from RunWithGradients (the metric is the sum of each image's channel mean).
        using var grads = clip.RunWithGradients(images, ["visual.layer3"], t => t[.., unit].mean([1, 2]).sum(), metricLayer: "visual.layer4");
        var a = grads.Activations["visual.layer3"].to(float64);
        var attribution = a * nn.functional.relu(grads.Gradient("visual.layer3").to(float64));
        var w = tensor(fit.Facet.Weights).to(float64).view(1, -1, 1, 1);
        var expected = (attribution * w).sum([1, 2, 3]).data<double>().ToArray();
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], scored[i], 1e-4 * Math.Max(1, Math.Abs(expected[i])));
        Assert.True(expected.Any(v => v != 0), "the attribution should not vanish on every image");

        // And a render takes steps with it, leaving no hook behind.
        using var render = Renderer.Render(clip, target + Objectives.Facet(target, fit.Facet, 5), new RenderSpec { Steps = 2, Size = 64, Seed = 1 });
        Assert.Equal(2, render.History.Count);
        Assert.Equal(0, clip.ActiveHookCount);
    }
}
