using Interp.FeatureVisualization.Facets;
using Interp.FeatureVisualization.Objectives;
using Interp.FeatureVisualization.Rendering;
using Interp.Hooks;
using Interp.Multimodal;
using Interp.Units;
using TorchSharp;
using TorchSharp.Modules;
using Interp.Clip;
using Interp.ToyWorld;
using Interp.Zoo;
using static TorchSharp.torch;

namespace Interp.Tests.FeatureVisualization;

public class FacetTests
{
    /// <summary>a = W·x (1×1, 3 → 2 channels), sq = a², b = v·sq (1×1, 2 → 1): ∂b/∂a_c = 2·v_c·a_c, which depends on the image.</summary>
    sealed class SquareNet : nn.Module<Tensor, Tensor>
    {
        sealed class Square() : nn.Module<Tensor, Tensor>("square")
        {
            public override Tensor forward(Tensor x) => x * x;
        }

        readonly Conv2d a = nn.Conv2d(3, 2, 1, bias: false), b = nn.Conv2d(2, 1, 1, bias: false);
        readonly Square sq = new();

        public SquareNet() : base("square-net")
        {
            RegisterComponents();
            using var _ = no_grad();
            a.weight!.copy_(tensor(W.SelectMany(r => r).ToArray()).view(2, 3, 1, 1));
            b.weight!.copy_(tensor(V).view(1, 2, 1, 1));
            this.to(ScalarType.Float64);
        }

        public static readonly double[][] W = [[0.5, -1.0, 0.25], [1.5, 0.5, -0.75]];
        public static readonly double[] V = [2.0, -1.0];

        public override Tensor forward(Tensor x) => b.call(sq.call(a.call(x)));
    }

    static HookedModel Net() => new("square-net", new SquareNet(), new InputConvention(4, "identity"));

    static Tensor Images(long n = 3, int seed = 4) => rand([n, 3, 4, 4], dtype: float64, generator: new Generator().manual_seed(seed));

    static double[,,,] A(Tensor x)
    {
        var d = x.contiguous().data<double>().ToArray();
        long n = x.shape[0], h = x.shape[2], w = x.shape[3];
        var a = new double[n, 2, h, w];
        for (int i = 0; i < n; i++) for (int c = 0; c < 2; c++) for (int y = 0; y < h; y++) for (int z = 0; z < w; z++)
                    for (int k = 0; k < 3; k++) a[i, c, y, z] += SquareNet.W[c][k] * d[((i * 3 + k) * h + y) * w + z];
        return a;
    }

    /// <summary>Σ_c,p f(c, y, z)·a·relu(2·v_c·a / (P·divisor)) for image i: the facet term with the gradient of the target channel(b:0) worked out by hand.</summary>
    static double Expected(double[,,,] a, int i, Func<int, int, int, double> f, double divisor)
    {
        int h = a.GetLength(2), w = a.GetLength(3);
        double sum = 0;
        for (int c = 0; c < 2; c++) for (int y = 0; y < h; y++) for (int z = 0; z < w; z++)
                {
                    double g = 2 * SquareNet.V[c] * a[i, c, y, z] / (h * w * divisor);
                    sum += f(c, y, z) * a[i, c, y, z] * Math.Max(0, g);
                }
        return sum;
    }

    static ObjectiveContext Context(HookedModel model, Tensor input, out ActivationCache cache)
    {
        cache = model.RunWithCache(input, ["a", "b"], detach: false);
        return ObjectiveContext.FromCache(cache, input);
    }

    [Fact]
    public void The_facet_term_is_activation_times_positive_gradient_weighted_by_the_facet_as_worked_out_by_hand()
    {
        using var model = Net();
        var x = Images().requires_grad_(true);
        var a = A(x.detach());
        var facet = new Facet("f", "a", [2], [0.7f, -0.3f]);
        var target = Objectives.Channel(new Unit("b", 0));
        var ctx = Context(model, x, out var cache);
        using (cache)
        {
            double F(int c, int y, int z) => facet.Weights[c];
            // Per image: the gradient of that image's own value (no batch division).
            var perImage = Objectives.Facet(target, facet, strength: 3).Evaluate(ctx).to(float64).data<double>().ToArray();
            for (int i = 0; i < 3; i++) Assert.Equal(3 * Expected(a, i, F, 1), perImage[i], 1e-5);
            // Total: the gradient of the target's total (a mean over the batch, so ÷3), summed over images, as CLIP-featurevis.
            double total = Objectives.Facet(target, facet, strength: 3).Total(ctx).item<float>();
            Assert.Equal(Enumerable.Range(0, 3).Sum(i => 3 * Expected(a, i, F, 3)), total, 1e-5);
            // Strength growing across the batch: linspace(0.1, 5, 3).
            double ramp = Objectives.Facet(target, facet, strength: 0.1, strengthTo: 5).Total(ctx).item<float>();
            double[] s = [0.1, 2.55, 5];
            Assert.Equal(Enumerable.Range(0, 3).Sum(i => s[i] * Expected(a, i, F, 3)), ramp, 1e-5);
            // One image only: its per-image value.
            var only = Objectives.Facet(target, facet, batch: 2);
            Assert.Equal(Expected(a, 2, F, 1), only.Total(ctx).item<float>(), 1e-5);
            Assert.Equal(0f, only.Evaluate(ctx)[0].item<float>());
        }
    }

    [Fact]
    public void Attribution_diversity_is_the_mean_pairwise_cosine_of_the_images_attribution_vectors_worked_out_by_hand()
    {
        using var model = Net();
        var x = Images(3).requires_grad_(true);
        var a = A(x.detach());
        var target = Objectives.Channel(new Unit("b", 0));
        // Each image's attribution vector over a's two channels: Σ_p a·relu(2·v_c·a / P), the facet term with a one-hot facet.
        var vectors = Enumerable.Range(0, 3).Select(i => Enumerable.Range(0, 2).Select(c => Expected(a, i, (k, _, _) => k == c ? 1 : 0, 1)).ToArray()).ToArray();
        double Cos(double[] u, double[] v) => (u[0] * v[0] + u[1] * v[1]) / Math.Sqrt((u[0] * u[0] + u[1] * u[1]) * (v[0] * v[0] + v[1] * v[1]));
        var expected = Enumerable.Range(0, 3).Select(i => Enumerable.Range(0, 3).Where(j => j != i).Sum(j => Cos(vectors[i], vectors[j])) / 3).ToArray();
        var ctx = Context(model, x, out var cache);
        using (cache)
        {
            var objective = Objectives.AttributionDiversity(target, "a");
            var values = objective.Evaluate(ctx).to(float64).data<double>().ToArray();
            for (int i = 0; i < 3; i++) Assert.Equal(expected[i], values[i], 1e-5);
            Assert.Equal(expected.Sum(), objective.Total(ctx).item<float>(), 1e-5);
            Assert.True(objective.NeedsGradients);
            Assert.Equal(objective.ToJson(), Objective.FromJson(objective.ToJson()).ToJson());
            Assert.Equal("channel(b:0) − 2·attribution_diversity(a, channel(b:0))", (target - 2 * objective).Description);
        }
        Assert.Contains("reads no model layer", Assert.Throws<ArgumentException>(() => Objectives.AttributionDiversity(Objectives.L2(), "a")).Message);
        Assert.Contains("does not depend on 'b'", Assert.Throws<InvalidOperationException>(() =>
            Renderer.Score(model, Objectives.AttributionDiversity(Objectives.Channel(new Unit("a", 0)), "b"), Images(2))).Message);
    }

    [Fact]
    public void The_gradient_inside_the_facet_term_is_held_constant_when_the_render_loop_differentiates_it()
    {
        using var model = Net();
        var x = Images(2).requires_grad_(true);
        var a = A(x.detach());
        var facet = new Facet("f", "a", [2], [1f, 0.5f]);
        var ctx = Context(model, x, out var cache);
        using (cache)
        {
            var total = Objectives.Facet(Objectives.Channel(new Unit("b", 0)), facet).Total(ctx);
            var gx = autograd.grad([total], [x])[0].to(float64).data<double>().ToArray();
            // With g = relu(2·v_c·a_c / (P·N)) constant: ∂/∂x_k = Σ_c f_c · g_c · W[c][k]. Differentiating through g too would double the positive terms.
            long n = 2, h = 4, w = 4;
            for (int i = 0; i < n; i++) for (int k = 0; k < 3; k++) for (int y = 0; y < h; y++) for (int z = 0; z < w; z++)
                        {
                            double expected = 0;
                            for (int c = 0; c < 2; c++)
                                expected += facet.Weights[c] * Math.Max(0, 2 * SquareNet.V[c] * a[i, c, y, z] / (h * w * n)) * SquareNet.W[c][k];
                            Assert.Equal(expected, gx[((i * 3 + k) * h + y) * w + z], 1e-6);
                        }
        }
    }

    [Fact]
    public void Spatial_weights_apply_position_by_position_and_a_constant_map_of_another_size_equals_channel_weights()
    {
        using var model = Net();
        var x = Images(2).requires_grad_(true);
        var a = A(x.detach());
        var target = Objectives.Channel(new Unit("b", 0));
        var spatialWeights = Enumerable.Range(0, 2 * 4 * 4).Select(j => (float)Math.Sin(j)).ToArray();
        var spatial = new Facet("s", "a", [2, 4, 4], spatialWeights);
        var constant = new Facet("k", "a", [2, 3, 5], [.. Enumerable.Repeat(0.8f, 15), .. Enumerable.Repeat(-0.4f, 15)]);
        var channels = new Facet("c", "a", [2], [0.8f, -0.4f]);
        var ctx = Context(model, x, out var cache);
        using (cache)
        {
            var v = Objectives.Facet(target, spatial).Evaluate(ctx).to(float64).data<double>().ToArray();
            for (int i = 0; i < 2; i++) Assert.Equal(Expected(a, i, (c, y, z) => spatialWeights[(c * 4 + y) * 4 + z], 1), v[i], 1e-5);
            var resized = Objectives.Facet(target, constant).Evaluate(ctx).data<float>().ToArray();
            var perChannel = Objectives.Facet(target, channels).Evaluate(ctx).data<float>().ToArray();
            for (int i = 0; i < 2; i++) Assert.Equal(perChannel[i], resized[i], 1e-5);
        }
    }

    [Fact]
    public void A_facet_objective_round_trips_through_json_composes_and_scores_outside_the_render_loop()
    {
        using var model = Net();
        var facet = new Facet("f", "a", [2], [0.7f, -0.3f]);
        var target = Objectives.Channel(new Unit("b", 0));
        var objective = target + 2 * Objectives.Facet(target, facet, 0.5, 4);
        Assert.True(objective.NeedsGradients);
        Assert.False(target.NeedsGradients);
        Assert.Equal("channel(b:0) + 2·facet(f@a, channel(b:0), ×0.5…4)", objective.Description);
        var again = Objective.FromJson(objective.ToJson());
        Assert.Equal(objective.Description, again.Description);
        Assert.Equal(objective.ToJson(), again.ToJson());

        var images = Images(3);
        var scored = Renderer.Score(model, objective, images).data<float>().ToArray();
        var x = images.clone().requires_grad_(true);
        var ctx = Context(model, x, out var cache);
        using (cache)
            Assert.Equal(objective.Evaluate(ctx).data<float>().ToArray(), scored);
        Assert.Equal(0, model.ActiveHookCount);
        Assert.True(model.Module.parameters().All(p => p.requires_grad), "Score must restore the weights' requires_grad");
    }

    [Fact]
    public void In_bfloat16_the_gradient_is_taken_through_the_models_own_activations_and_agrees_with_float32()
    {
        using var model = Net();
        var facet = new Facet("f", "a", [2], [0.7f, 0.3f]);
        var objective = Objectives.Facet(Objectives.Channel(new Unit("b", 0)), facet);
        var images = Images(2);
        var exact = Renderer.Score(model, objective, images).data<float>().ToArray();
        model.To(ScalarType.BFloat16);
        // The context evaluates float32 copies; the gradient must come from the bfloat16 tensors the next layer consumed.
        var approximate = Renderer.Score(model, objective, images).data<float>().ToArray();
        for (int i = 0; i < 2; i++) Assert.Equal(exact[i], approximate[i], 0.05 * Math.Abs(exact[i]));
    }

    [Fact]
    public void Wrong_facets_and_targets_get_errors_that_say_what_is_valid()
    {
        using var model = Net();
        var target = Objectives.Channel(new Unit("b", 0));
        var images = Images(2);
        var threeChannels = new Facet("f", "a", [3], [1f, 1f, 1f]);
        Assert.Contains("3 channel weights but layer 'a' has 2", Assert.Throws<ArgumentException>(() => Renderer.Score(model, Objectives.Facet(target, threeChannels),
            images)).Message);
        // A facet layer after the target's layer: the target does not depend on it.
        var late = new Facet("late", "b", [1], [1f]);
        Assert.Contains("does not depend on 'b'", Assert.Throws<InvalidOperationException>(() =>
            Renderer.Score(model, Objectives.Facet(Objectives.Channel(new Unit("a", 0)), late), images)).Message);
        // Activations without a graph.
        using (var cache = model.RunWithCache(images, ["a", "b"]))
            Assert.Contains("without gradient bookkeeping", Assert.Throws<InvalidOperationException>(() =>
                Objectives.Facet(target, new Facet("f", "a", [2], [1f, 1f])).Evaluate(ObjectiveContext.FromCache(cache, images))).Message);
        var facet = new Facet("f", "a", [2], [1f, 1f]);
        Assert.Contains("itself an attribution objective", Assert.Throws<ArgumentException>(() => Objectives.Facet(Objectives.Facet(target, facet), facet)).Message);
        Assert.Contains("reads no model layer", Assert.Throws<ArgumentException>(() => Objectives.Facet(Objectives.L2(), facet)).Message);
        Assert.Contains("[channels] or [channels, height, width]", Assert.Throws<ArgumentException>(() => new Facet("f", "a", [2, 2], [1f, 1f, 1f, 1f])).Message);
        Assert.Contains("holds 2 weights but 3", Assert.Throws<ArgumentException>(() => new Facet("f", "a", [2], [1f, 1f, 1f])).Message);
        Assert.Contains("not a finite number", Assert.Throws<ArgumentException>(() => new Facet("f", "a", [2], [1f, float.NaN])).Message);
        Assert.Equal(0, model.ActiveHookCount);
    }

    [Fact]
    public void A_probe_finds_the_channel_that_tells_the_facet_from_the_rest_and_its_accuracy_is_measured_on_held_out_images()
    {
        using var model = new HookedModel("copy", new CopyNet(), new InputConvention(6, "identity"));
        var gen = new Generator().manual_seed(2);
        // Facet images have more red than blue, the others more blue than red; green is 0.5 everywhere.
        var noise = rand([80, 3, 6, 6], generator: gen) * 0.4;
        noise[.., 1] = full([80, 6, 6], 0.5f);
        var reddish = noise[..40].clone(); reddish[.., 0] += 0.5;
        var bluish = noise[40..].clone(); bluish[.., 2] += 0.5;
        var fit = FacetProbe.Fit(model, "conv", reddish, bluish, "red");
        Assert.Equal([3L], fit.Facet.Shape);
        Assert.True(fit.Facet.Weights[0] > 0 && fit.Facet.Weights[2] < 0, string.Join(", ", fit.Facet.Weights));
        Assert.Equal(0f, fit.Facet.Weights[1]);   // a feature with no spread carries no information and gets no weight
        Assert.Equal(1.0, fit.HeldOutAccuracy);
        Assert.Equal((60, 20), (fit.TrainImages, fit.HeldOutImages));
        // The weights and bias are the probe on raw activations: recompute the held-out accuracy from them here.
        var features = cat([reddish, bluish]).sum([2, 3]).to(float64);
        var logits = features.matmul(tensor(fit.Facet.Weights).to(float64)) + fit.Bias;
        var right = (logits[..40] > 0).sum().item<long>() + (logits[40..] <= 0).sum().item<long>();
        Assert.Equal(80, right);
        Assert.Equal(fit.Facet.Weights.Select(w => -w), fit.Facet.Opposite("blue").Weights);
        // Deterministic.
        Assert.Equal(fit.Facet.Weights, FacetProbe.Fit(model, "conv", reddish, bluish, "red").Facet.Weights);
        var spatial = FacetProbe.Fit(model, "conv", reddish, bluish, "red", new FacetProbeOptions(Spatial: true));
        Assert.Equal([3L, 6, 6], spatial.Facet.Shape);
        Assert.Contains("at least 2 RGB images", Assert.Throws<ArgumentException>(() => FacetProbe.Fit(model, "conv", reddish[..1], bluish, "red")).Message);
        Assert.Contains("HeldOutFraction", Assert.Throws<ArgumentOutOfRangeException>(() => FacetProbe.Fit(model, "conv", reddish, bluish, "red",
            new FacetProbeOptions(HeldOutFraction: 1))).Message);
        Assert.Contains("conv", Assert.Throws<ArgumentException>(() => FacetProbe.Fit(model, "cnv", reddish, bluish, "red")).Message);
    }

    [Fact]
    public void On_the_toy_clip_a_words_facet_makes_a_multimodal_units_visualization_read_as_a_word_and_a_drawings_facet_as_a_drawing()
    {
        using var clip = ToyClipWeights.Load();
        using var model = new HookedModel("toy-clip", clip, new InputConvention(64, "identity"));
        var random = new Random(7);
        Tensor Set(ToyKind kind, int n) => stack(Enumerable.Range(0, n).Select(i => (ToyDataset.Example(random, kind, i % 12,
            random.Next(8)) with { Distractor = null }).Draw()).ToList());
        var fit = FacetProbe.Fit(model, "visual.stage3", Set(ToyKind.Word, 120), Set(ToyKind.Drawing, 120), "words");
        Assert.True(fit.HeldOutAccuracy > 0.95, fit.ToString());

        // The unit whose drawn and written profiles agree best.
        Tensor Concept(ToyKind kind, int shape) => stack(Enumerable.Range(0, 6).Select(_ => (ToyDataset.Example(random, kind, shape,
            random.Next(8)) with { Distractor = null }).Draw()).ToList());
        var report = Multimodality.Measure(model, "visual.stage4", ToyConcepts.Shapes,
            [.. Enumerable.Range(0, 12).Select(s => Concept(ToyKind.Drawing, s))], [.. Enumerable.Range(0, 12).Select(s => Concept(ToyKind.Word, s))], 0.6, permutations: 20);
        int unit = report.MultimodalUnits[0];
        var target = Objectives.Channel(new Unit("visual.stage4", unit));
        var objective = target + Objectives.Facet(target, fit.Facet, 20, batch: 0) + Objectives.Facet(target, fit.Facet.Opposite("drawings"), 20, batch: 1);
        using var render = Renderer.Render(model, objective, new RenderSpec { Steps = 128, Size = 64, Batch = 2, Seed = 3 });

        // Judged by the model's own text tower, which the probe never saw: probability of "the word …" prompts over "a drawing of …" ones.
        var pWord = ToyClipEvaluation.Read(clip, render.Images).Select(r => r.WordProbability).ToArray();
        Assert.True(pWord[0] > 0.5 && pWord[1] < 0.5 && pWord[0] - pWord[1] > 0.3,
            $"unit {unit}: P(word prompt) {pWord[0]:F3} with the words facet, {pWord[1]:F3} with the drawings facet");
    }
}
