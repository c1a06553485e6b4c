using Interp.Hooks;
using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Facets;

/// <summary>
/// Finds a facet as Goh et al. did: a logistic regression on a layer's activations that tells images of one kind
/// (text, drawings, faces) from other images; its weights are the facet.
/// </summary>
public static class FacetProbe
{
    /// <summary>
    /// Fits a probe on <paramref name="layer"/>'s activations for <paramref name="facetImages"/> (class 1) against
    /// <paramref name="otherImages"/> (class 0), both [N, 3, H, W] in the model's input convention, and returns the facet
    /// named <paramref name="name"/> with the probe's accuracy on fitted and held-out images.
    /// </summary>
    /// <remarks>
    /// Features are the activation summed over positions ([C]) or, with <see cref="FacetProbeOptions.Spatial"/>, the
    /// activation itself ([C·H·W]). They are standardized with the fitted images' mean and standard deviation
    /// (features with none are left unscaled), the two classes weigh equally in the loss whatever their sizes, and the
    /// fit is full-batch Adam in float64 for a fixed number of iterations, so it is deterministic. The weights are
    /// mapped back to raw activations, so <c>Σ weights ⊙ features + bias</c> is the probe's logit on the layer as it is.
    /// </remarks>
    public static FacetFit Fit(HookedModel model, string layer, Tensor facetImages, Tensor otherImages, string name, FacetProbeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new FacetProbeOptions();
        model.RequireLayer(layer);
        if (options.HeldOutFraction is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.HeldOutFraction, "HeldOutFraction must be in [0, 1).");
        if (options.Iterations < 1) throw new ArgumentOutOfRangeException(nameof(options), options.Iterations, "Iterations must be at least 1.");
        if (!(options.L2 >= 0) || !double.IsFinite(options.L2)) throw new ArgumentOutOfRangeException(nameof(options), options.L2, "L2 must be a finite number ≥ 0.");
        if (options.BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(options), options.BatchSize, "BatchSize must be at least 1.");
        foreach (var (images, what) in new[] { (facetImages, "facetImages"), (otherImages, "otherImages") })
            if (images.ndim != 4 || images.shape[1] != 3 || images.shape[0] < 2)
                throw new ArgumentException($"{what} must be a batch of at least 2 RGB images [N, 3, H, W]; got [{string.Join(", ", images.shape)}].", what);

        using var scope = NewDisposeScope();
        var (positive, shape) = Features(model, layer, facetImages, options);
        var (negative, otherShape) = Features(model, layer, otherImages, options);
        if (!shape.SequenceEqual(otherShape))
            throw new ArgumentException($"The two sets of images give '{layer}' maps of different sizes ([{string.Join(", ", shape)}] and [{string.Join(", ", otherShape)}]); " +
                "use images of one size.");

        var random = new Random(options.Seed);
        var (posTrain, posHeld) = Split(positive, options.HeldOutFraction, random);
        var (negTrain, negHeld) = Split(negative, options.HeldOutFraction, random);
        var x = cat([posTrain, negTrain]);
        var y = cat([ones(posTrain.shape[0], dtype: float64), zeros(negTrain.shape[0], dtype: float64)]);
        // Each class weighs one half of the loss.
        var sampleWeight = cat([full(posTrain.shape[0], 0.5 / posTrain.shape[0], dtype: float64), full(negTrain.shape[0], 0.5 / negTrain.shape[0], dtype: float64)]);

        var mean = x.mean([0]);
        var std = x.std(0, unbiased: false);
        var scale = where(std > 0, std, ones_like(std));
        var z = (x - mean) / scale;

        var w = new TorchSharp.Modules.Parameter(zeros(z.shape[1], dtype: float64));
        var b = new TorchSharp.Modules.Parameter(zeros(1, dtype: float64));
        using (var optimizer = optim.Adam([w, b], lr: options.LearningRate))
            for (int i = 0; i < options.Iterations; i++)
                using (var step = NewDisposeScope())
                {
                    optimizer.zero_grad();
                    var logits = z.matmul(w) + b;
                    var loss = (nn.functional.binary_cross_entropy_with_logits(logits, y, reduction: nn.Reduction.None) * sampleWeight).sum()
                               + 0.5 * options.L2 * w.pow(2).sum();
                    loss.backward();
                    optimizer.step();
                }

        using var _ = no_grad();
        var rawWeights = w.detach() / scale;
        double bias = (b.detach() - (w.detach() * mean / scale).sum()).item<double>();
        double Accuracy(Tensor pos, Tensor neg)
        {
            if (pos.shape[0] + neg.shape[0] == 0) return double.NaN;
            long right = (pos.matmul(rawWeights) + bias > 0).sum().item<long>() + (neg.matmul(rawWeights) + bias <= 0).sum().item<long>();
            return (double)right / (pos.shape[0] + neg.shape[0]);
        }
        var facet = new Facet(name, layer, shape, rawWeights.to(float32).data<float>().ToArray());
        return new FacetFit(facet, bias, Accuracy(posTrain, negTrain), Accuracy(posHeld, negHeld),
            (int)(posTrain.shape[0] + negTrain.shape[0]), (int)(posHeld.shape[0] + negHeld.shape[0]));
    }

    /// <summary>The probe's features for <paramref name="images"/>: [N, C] (summed over positions) or [N, C·H·W], float64.</summary>
    static (Tensor Features, long[] Shape) Features(HookedModel model, string layer, Tensor images, FacetProbeOptions options)
    {
        var parts = new List<Tensor>();
        long[]? shape = null;
        using var _ = no_grad();
        for (long start = 0; start < images.shape[0]; start += options.BatchSize)
        {
            long end = Math.Min(images.shape[0], start + options.BatchSize);
            using var batchScope = NewDisposeScope();
            using var cache = model.RunWithCache(images.slice(0, start, end, 1).to(model.Dtype), [layer], detach: true, stopEarly: true);
            var act = cache[layer];
            if (act.ndim != 4)
                throw new ArgumentException($"Layer '{layer}' gives [{string.Join(", ", act.shape)}]; a facet needs a spatial layer [N, C, H, W].");
            shape ??= options.Spatial ? [act.shape[1], act.shape[2], act.shape[3]] : [act.shape[1]];
            var f = (options.Spatial ? act.flatten(1) : act.sum([2, 3])).to(float64);
            parts.Add(f.MoveToOuterDisposeScope());
        }
        return (cat(parts), shape!);
    }

    /// <summary>A seeded shuffle of the rows, the last <paramref name="heldOut"/> fraction held out.</summary>
    static (Tensor Train, Tensor HeldOut) Split(Tensor rows, double heldOut, Random random)
    {
        int n = (int)rows.shape[0];
        var order = Enumerable.Range(0, n).OrderBy(_ => random.Next()).ToArray();
        int held = (int)Math.Round(n * heldOut);
        if (n - held < 1) held = n - 1;
        var train = rows.index_select(0, tensor(order[..(n - held)].Select(i => (long)i).ToArray()));
        var test = rows.index_select(0, tensor(order[(n - held)..].Select(i => (long)i).ToArray()));
        return (train, test);
    }
}
