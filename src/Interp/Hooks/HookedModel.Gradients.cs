using static TorchSharp.torch;

namespace Interp.Hooks;

public partial class HookedModel
{
    /// <summary>
    /// Runs the model forward and backward once: caches the activations of <paramref name="layers"/> and the gradient of
    /// <paramref name="metric"/> with respect to each of them and to the input. The metric reads the model's output, or
    /// <paramref name="metricLayer"/>'s activation when given (the forward pass then stops there), and returns a scalar.
    /// The weights' gradients are neither computed nor accumulated.
    /// </summary>
    public GradientCache RunWithGradients(Tensor image, IEnumerable<string> layers, Func<Tensor, Tensor> metric, string? metricLayer = null)
    {
        var names = layers.Distinct().ToList();
        if (names.Count == 0) throw new ArgumentException($"Name at least one layer; '{Name}' has {string.Join(", ", LayerNames.Take(12))}{(LayerNames.Count > 12 ? ", …" : "")}.",
            nameof(layers));
        foreach (var n in names) RequireLayer(n);
        if (metricLayer is not null) RequireLayer(metricLayer);

        using var scope = NewDisposeScope();
        using var grad = enable_grad();
        using var frozen = FreezeWeights();
        var input = image.to(Dtype).detach().requires_grad_(true);
        var needed = metricLayer is null || names.Contains(metricLayer) ? names : [.. names, metricLayer];
        using var cache = RunWithCache(input, needed, detach: false, stopEarly: metricLayer is not null);
        var value = metric(metricLayer is null ? cache.Output : cache[metricLayer]);
        if (value.numel() != 1)
            throw new ArgumentException($"The metric must return one number (a scalar tensor); it returned [{string.Join(", ", value.shape)}].", nameof(metric));
        // libtorch aborts the process rather than throwing when asked for the gradient of a constant: check first.
        if (!value.requires_grad)
            throw new ArgumentException("The metric does not depend on the model's input (it returned a constant).", nameof(metric));
        var targets = names.Select(n => cache[n]).Append(input).ToArray();
        var grads = autograd.grad([value.reshape([])], targets, allow_unused: true);

        var gradients = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var acts = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            acts[names[i]] = cache[names[i]].detach().clone().MoveToOuterDisposeScope();
            // A layer the metric does not depend on (e.g. one after metricLayer) has gradient zero.
            var g = grads[i] is { IsInvalid: false } gi ? gi : zeros_like(cache[names[i]]);
            gradients[names[i]] = g.detach().clone().MoveToOuterDisposeScope();
        }
        var inputGradient = grads[^1] is { IsInvalid: false } ig ? ig.detach().clone() : zeros_like(input);
        double metricValue = value.to(float64).item<double>();
        return new GradientCache(new ActivationCache(acts, output: null, stoppedAfter: metricLayer), gradients, inputGradient.MoveToOuterDisposeScope(), metricValue);
    }
}
