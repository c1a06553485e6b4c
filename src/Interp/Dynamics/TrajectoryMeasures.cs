using Interp.Circuits;
using Interp.Clip;
using Interp.Hooks;
using Interp.Models.ToyClip;
using Interp.Multimodal;
using Interp.Stimuli;
using Interp.ToyWorld;
using Interp.Transformers;
using static TorchSharp.torch;

namespace Interp.Dynamics;

/// <summary>
/// The measures of training dynamics, each made by the project's existing tool: held-out loss; zero-shot shape, reading and colour
/// per held-out picture; notebook 04's multimodal-unit count against its permutation baseline and its typographic attack against
/// its control; notebook 02's curve search on early layers; the first layer's filter spectrum; and each unit's distance from
/// its final tuning. <see cref="Measure(Trajectory, DynamicsProbes?, IProgress{CheckpointMeasure}?, IReadOnlyList{int}?)"/> runs them over a trajectory,
/// one model in memory at a time.
/// </summary>
public static class TrajectoryMeasures
{
    static readonly InputConvention Input = new(ToyDataset.ImageSize, "RGB in [0, 1], no normalization");

    /// <summary>
    /// Measures every intact snapshot of <paramref name="trajectory"/>, or those of <paramref name="steps"/> (tuning distances against its
    /// last intact snapshot either way), reporting each checkpoint to <paramref name="progress"/> as it is done.
    /// </summary>
    public static IReadOnlyList<CheckpointMeasure> Measure(Trajectory trajectory, DynamicsProbes? probes = null, IProgress<CheckpointMeasure>? progress = null,
        IReadOnlyList<int>? steps = null)
    {
        ArgumentNullException.ThrowIfNull(trajectory);
        if (trajectory.Steps.Count == 0)
            throw new InvalidOperationException($"'{trajectory.Folder}' has no readable snapshot: {string.Join("; ", trajectory.Problems.Select(p => $"{p.File}: {p.Problem}"))}.");
        probes = (probes ?? DynamicsProbes.For(trajectory.Settings.Tower)).Validate();
        using var pictures = new ProbePictures(probes);
        double[,] final;
        using (var last = trajectory.Load(trajectory.Steps[^1])) final = Tuning(last, probes, pictures);
        return trajectory.Measure(steps ?? trajectory.Steps, (step, model) =>
        {
            var measure = Measure(step, model, probes, pictures, final);
            progress?.Report(measure);
            return measure;
        });
    }

    /// <summary>
    /// Measures one model as the checkpoint of <paramref name="step"/>, its tuning compared with <paramref name="finalTuning"/>
    /// (<see cref="Tuning"/> of the run's last checkpoint on the same pictures).
    /// </summary>
    public static CheckpointMeasure Measure(int step, ToyClipModel model, DynamicsProbes probes, ProbePictures pictures, double[,] finalTuning)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(pictures);
        ArgumentNullException.ThrowIfNull(finalTuning);
        model.eval();
        var hooked = new HookedModel("toy-clip", model, Input);   // not disposed: that would dispose the model, which the caller owns
        using var views = Views(hooked, model);
        double loss;
        string drawings, words, colours;
        using (no_grad())
        using (var scope = NewDisposeScope())
        {
            loss = model.ContrastiveLoss(pictures.LossImages, pictures.LossTokens).item<float>();
            var shapes = Enumerable.Range(0, ToyConcepts.Shapes.Count).ToList();
            var drawingPrompts = model.EncodeText(ToyVocabulary.EncodeAll([.. shapes.Select(ToyClipEvaluation.DrawingPrompt)]));
            var wordPrompts = model.EncodeText(ToyVocabulary.EncodeAll([.. shapes.Select(ToyClipEvaluation.WordPrompt)]));
            var colourPrompts = model.EncodeText(ToyVocabulary.EncodeAll(ToyClipEvaluation.AllColourPrompts));
            var drawingEmbeddings = model.EncodeImage(pictures.Drawings);
            drawings = Outcomes(model.Logits(drawingEmbeddings, drawingPrompts), pictures.DrawingExamples.Select(e => e.Shape));
            words = Outcomes(model.Logits(model.EncodeImage(pictures.Words), wordPrompts), pictures.WordExamples.Select(e => e.Shape));
            // Colour: among the eight "a {colour} {shape}" prompts of each drawing's own shape.
            var colourLogits = model.Logits(drawingEmbeddings, colourPrompts).reshape(-1, ToyConcepts.Shapes.Count, ToyConcepts.Colours.Count);
            var own = colourLogits[arange(colourLogits.shape[0]), cat(pictures.DrawingExamples.Select(e => full(1, (long)e.Shape, dtype: int64)).ToList())];
            colours = Outcomes(own, pictures.DrawingExamples.Select(e => e.Colour));
        }

        var multimodal = Multimodality.Measure(hooked, probes.MultimodalLayer, ToyConcepts.Shapes, pictures.ConceptPictures, pictures.ConceptWords,
            threshold: 0.6, permutations: probes.Permutations, seed: 0);

        int star = ToyConcepts.Shape("star");
        using var classifier = ZeroShotClassifier.FromPrompts(model, ToyConcepts.Shapes.Count, ToyClipEvaluation.DrawingPrompt);
        int eligible = classifier.Predict(pictures.Victims).Count(p => p != star);
        var attack = eligible == 0 ? null
            : TypographicAttack.Measure(pictures.Victims, classifier.Predict, "star", star, TypographicAttack.ToyBaseline, seed: 0, resamples: 1);

        var style = new StimulusStyle(ToyDataset.ImageSize);
        var criteria = new CurveCriteria();
        var curves = probes.CurveLayerList.Select(layer =>
        {
            var found = CurveSearch.Measure(hooked, layer, pictures.Tuning, probes.CurveSettings, style);
            var passing = found.Where(c => c.Passes(criteria)).ToList();
            int preferCurves = found.Count(c => c.BestCurve > 0 && c.BestCurve >= criteria.CurveOverLine * Math.Max(0, c.BestLine));
            return new CurveCount(layer, passing.Count, preferCurves, [.. passing.Select(c => c.BestCurveStimulus.Orientation)]);
        }).ToList();

        var weights = model.named_parameters().FirstOrDefault(p => p.name == probes.FirstLayer).parameter
            ?? throw new ArgumentException($"The model has no parameter '{probes.FirstLayer}'; its convolution weights: " +
                                           string.Join(", ", model.named_parameters().Where(p => p.parameter.ndim == 4).Select(p => p.name).Take(6)) + ", …");
        var spectrum = FilterSpectrum.Of(weights, probes.SpectrumSize);

        var tuning = Tuning(model, probes, pictures);
        if (tuning.GetLength(0) != finalTuning.GetLength(0) || tuning.GetLength(1) != finalTuning.GetLength(1))
            throw new ArgumentException($"The final tuning is [{finalTuning.GetLength(0)}, {finalTuning.GetLength(1)}] but this model's is " +
                                        $"[{tuning.GetLength(0)}, {tuning.GetLength(1)}]: measure both on the same pictures and layer.", nameof(finalTuning));
        var distance = Enumerable.Range(0, tuning.GetLength(0)).Select(u => Math.Round(1 - Correlation(tuning, finalTuning, u), 6)).ToList();

        return new CheckpointMeasure(step, Math.Round(loss, 6), drawings, words, colours, multimodal.MultimodalUnits.Count, Math.Round(multimodal.ChanceCount, 4),
            eligible, attack?.FlipRate.Value ?? double.NaN, attack?.ControlFlipRate.Value ?? double.NaN, curves,
            [.. spectrum.Shares.Select(s => Math.Round(s, 6))], Math.Round(spectrum.MeanFrequency, 6), distance);
    }

    /// <summary>
    /// Each unit's tuning [units, pictures]: its mean response over the map of <see cref="DynamicsProbes.MultimodalLayer"/> to each
    /// tuning picture.
    /// </summary>
    public static double[,] Tuning(ToyClipModel model, DynamicsProbes probes, ProbePictures pictures)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(probes);
        ArgumentNullException.ThrowIfNull(pictures);
        model.eval();
        var hooked = new HookedModel("toy-clip", model, Input);
        using var views = Views(hooked, model);
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var cache = hooked.RunWithCache(pictures.Tuning, [probes.MultimodalLayer], stopEarly: true);
        var a = cache[probes.MultimodalLayer];
        var means = (a.ndim == 4 ? a.mean([2, 3]) : a).t().contiguous().to(float64);   // [units, pictures]
        var values = means.data<double>().ToArray();
        int units = (int)means.shape[0], count = (int)means.shape[1];
        var result = new double[units, count];
        Buffer.BlockCopy(values, 0, result, 0, values.Length * sizeof(double));
        return result;
    }

    /// <summary>A ViT's token views (<c>…/grid</c>, <c>…/cls</c>), so its units are channels as the CNN's are; nothing for other towers.</summary>
    static IDisposable? Views(HookedModel hooked, ToyClipModel model) => model.Tower == ToyTower.Vit ? TokenView.AttachAll(hooked) : null;

    static string Outcomes(Tensor logits, IEnumerable<int> labels)
    {
        var best = logits.argmax(1).data<long>().ToArray();
        return string.Concat(labels.Select((label, i) => best[i] == label ? '1' : '0'));
    }

    static double Correlation(double[,] a, double[,] b, int unit)
    {
        int n = a.GetLength(1);
        double ma = 0, mb = 0;
        for (int i = 0; i < n; i++) { ma += a[unit, i]; mb += b[unit, i]; }
        ma /= n; mb /= n;
        double sab = 0, saa = 0, sbb = 0;
        for (int i = 0; i < n; i++)
        {
            double da = a[unit, i] - ma, db = b[unit, i] - mb;
            sab += da * db; saa += da * da; sbb += db * db;
        }
        return saa > 0 && sbb > 0 ? sab / Math.Sqrt(saa * sbb) : double.NaN;
    }
}
