using Interp.Statistics;
using Interp.Hooks;
using static TorchSharp.torch;

namespace Interp.Circuits;

/// <summary>Settings of a recovery measurement.</summary>
/// <param name="TopUnits">For features: how many of the strongest output units must agree (the top-k overlap).</param>
/// <param name="BatchSize">Images per forward pass.</param>
/// <param name="Resamples">Bootstrap resamples of the images for the intervals.</param>
/// <param name="Seed">Seed of the bootstrap, so a report is reproducible.</param>
/// <param name="Confidence">Width of the intervals (0.95: the 2.5th to the 97.5th percentile).</param>
public sealed record RecoverySettings(int TopUnits = 10, int BatchSize = 32, int Resamples = 1000, int Seed = 0, double Confidence = 0.95)
{
    internal void Validate()
    {
        if (TopUnits < 1) throw new ArgumentOutOfRangeException(nameof(TopUnits), TopUnits, "TopUnits must be at least 1.");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1.");
        if (Resamples < 1) throw new ArgumentOutOfRangeException(nameof(Resamples), Resamples, "Resamples must be at least 1.");
        if (Confidence is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Confidence), Confidence, "Confidence must lie strictly between 0 and 1, e.g. 0.95.");
    }
}

/// <summary>
/// How much of a model's behaviour survives an ablation, and how much a replacement brings back ("Curve Circuits" replaced
/// InceptionV1's curve detectors by hand-written ones and compared top-5 accuracy). The model runs on a fixed image set three
/// ways — original, with the ablation, with the replacement — and each edited run is scored per image against the original's
/// output. The edits are scopes (e.g. <see cref="UnitEdits.Zero"/>) opened for their run and disposed after it.
/// </summary>
public static class Recovery
{
    /// <summary>
    /// For a model whose output is a feature vector (the offline ResNet-18's pooled 512 features): per image, the cosine
    /// similarity of the edited model's features with the original's ("feature cosine") and the overlap of their
    /// <see cref="RecoverySettings.TopUnits"/> strongest units ("top-k units").
    /// </summary>
    public static RecoveryReport Features(HookedModel model, Tensor images, Func<IDisposable> ablate, Func<IDisposable> replace, RecoverySettings? settings = null) =>
        Features(model, images, ablate, [("replacement", replace)], settings)[0];

    /// <summary>
    /// <see cref="Features(HookedModel, Tensor, Func{IDisposable}, Func{IDisposable}, RecoverySettings?)"/> for several
    /// replacements of the same units (e.g. hand-written units and a control), sharing the original and the ablated runs.
    /// </summary>
    public static IReadOnlyList<RecoveryReport> Features(HookedModel model, Tensor images, Func<IDisposable> ablate,
        IReadOnlyList<(string Name, Func<IDisposable> Replace)> replacements, RecoverySettings? settings = null)
    {
        settings ??= new RecoverySettings();
        return Measure(model, images, ablate, replacements, settings,
        [
            ("feature cosine", Cosine),
            ($"top-{settings.TopUnits} units", (a, b) => TopOverlap(a, b, settings.TopUnits)),
        ]);
    }

    /// <summary>
    /// For a classifier (e.g. InceptionV1): per image, whether the edited model's top class is the original's ("top-1
    /// agreement") and whether the original's top class is among the edited model's five highest ("top-5 agreement").
    /// </summary>
    public static RecoveryReport Predictions(HookedModel model, Tensor images, Func<IDisposable> ablate, Func<IDisposable> replace, RecoverySettings? settings = null) =>
        Predictions(model, images, ablate, [("replacement", replace)], settings)[0];

    /// <summary>
    /// <see cref="Predictions(HookedModel, Tensor, Func{IDisposable}, Func{IDisposable}, RecoverySettings?)"/> for several
    /// replacements, sharing the original and the ablated runs.
    /// </summary>
    public static IReadOnlyList<RecoveryReport> Predictions(HookedModel model, Tensor images, Func<IDisposable> ablate,
        IReadOnlyList<(string Name, Func<IDisposable> Replace)> replacements, RecoverySettings? settings = null)
    {
        settings ??= new RecoverySettings();
        return Measure(model, images, ablate, replacements, settings,
        [
            ("top-1 agreement", (a, b) => Contains(a, b, 1)),
            ("top-5 agreement", (a, b) => Contains(a, b, 5)),
        ]);
    }

    static IReadOnlyList<RecoveryReport> Measure(HookedModel model, Tensor images, Func<IDisposable> ablate, IReadOnlyList<(string Name, Func<IDisposable> Replace)> replacements,
        RecoverySettings settings, IReadOnlyList<(string Name, Func<Tensor, Tensor, double[]> Score)> measures)
    {
        settings.Validate();
        if (images.ndim != 4 || images.shape[0] < 2)
            throw new ArgumentException($"Give a batch of at least two images [N, 3, H, W]; got [{string.Join(", ", images.shape)}].", nameof(images));
        if (replacements.Count == 0) throw new ArgumentException("Give at least one replacement.", nameof(replacements));
        using var original = Outputs(model, images, null, settings.BatchSize);
        using var ablated = Outputs(model, images, ablate, settings.BatchSize);
        var ablatedScores = measures.Select(m => m.Score(original, ablated)).ToList();
        var reports = new List<RecoveryReport>();
        foreach (var (name, replace) in replacements)
        {
            using var replaced = Outputs(model, images, replace, settings.BatchSize);
            reports.Add(new RecoveryReport(name, (int)images.shape[0], settings.Resamples,
                [.. measures.Select((m, i) => Summarize(m.Name, ablatedScores[i], m.Score(original, replaced), settings))]));
        }
        return reports;
    }

    /// <summary>The model's outputs [N, D] in float64, with <paramref name="edit"/>'s scope open for the whole run.</summary>
    static Tensor Outputs(HookedModel model, Tensor images, Func<IDisposable>? edit, int batchSize)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var handle = edit?.Invoke();
        var parts = new List<Tensor>();
        for (long start = 0; start < images.shape[0]; start += batchSize)
        {
            var batch = images[TensorIndex.Slice(start, Math.Min(images.shape[0], start + batchSize))].to(model.Dtype);
            parts.Add(model.Forward(batch).to(float64).flatten(1));
        }
        return cat(parts, 0).MoveToOuterDisposeScope();
    }

    /// <summary>Cosine similarity of each row of <paramref name="a"/> with the same row of <paramref name="b"/> (1 when both are zero).</summary>
    internal static double[] Cosine(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var dot = (a * b).sum([1]);
        var norms = a.norm(1) * b.norm(1);
        var both0 = (a.norm(1) == 0).logical_and(b.norm(1) == 0);
        var cos = where(both0, ones_like(dot), dot / norms.clamp_min(1e-300));
        return cos.data<double>().ToArray();
    }

    /// <summary>Per row: the fraction of the <paramref name="k"/> largest entries of <paramref name="a"/> that are also among <paramref name="b"/>'s.</summary>
    internal static double[] TopOverlap(Tensor a, Tensor b, int k)
    {
        RequireWidth(a, k);
        using var scope = NewDisposeScope();
        var ta = a.topk(k, 1).indexes.data<long>().ToArray();
        var tb = b.topk(k, 1).indexes.data<long>().ToArray();
        return [.. Enumerable.Range(0, (int)a.shape[0]).Select(i => ta.Skip(i * k).Take(k).Intersect(tb.Skip(i * k).Take(k)).Count() / (double)k)];
    }

    /// <summary>Per row: 1 when the largest entry of <paramref name="a"/> is among the <paramref name="k"/> largest of <paramref name="b"/>, else 0.</summary>
    internal static double[] Contains(Tensor a, Tensor b, int k)
    {
        RequireWidth(a, k);
        using var scope = NewDisposeScope();
        var top = a.argmax(1).data<long>().ToArray();
        var tb = b.topk(k, 1).indexes.data<long>().ToArray();
        return [.. top.Select((t, i) => tb.Skip(i * k).Take(k).Contains(t) ? 1.0 : 0.0)];
    }

    static void RequireWidth(Tensor a, int k)
    {
        if (a.shape[1] < k) throw new ArgumentException($"The model's output has {a.shape[1]} entries per image, fewer than the {k} the measure compares.");
    }

    /// <summary>Means, the recovered fraction, and percentile intervals from resampling the images with replacement.</summary>
    internal static RecoveryMeasure Summarize(string name, double[] ablated, double[] replaced, RecoverySettings settings)
    {
        static double Fraction(double a, double r) => a >= 1 ? double.NaN : (r - a) / (1 - a);
        int n = ablated.Length;
        var random = new Random(settings.Seed);
        var ma = new double[settings.Resamples];
        var mr = new double[settings.Resamples];
        var fr = new List<double>(settings.Resamples);
        for (int s = 0; s < settings.Resamples; s++)
        {
            double sa = 0, sr = 0;
            for (int j = 0; j < n; j++)
            {
                int i = random.Next(n);
                sa += ablated[i];
                sr += replaced[i];
            }
            ma[s] = sa / n;
            mr[s] = sr / n;
            double f = Fraction(ma[s], mr[s]);
            if (!double.IsNaN(f)) fr.Add(f);
        }
        Estimate Of(double value, IReadOnlyList<double> samples) => Bootstrap.Interval(value, samples, settings.Confidence);
        double meanA = ablated.Average(), meanR = replaced.Average();
        return new RecoveryMeasure(name, ablated, replaced, Of(meanA, ma), Of(meanR, mr), Of(Fraction(meanA, meanR), fr));
    }
}
