using Interp.Text;
using static TorchSharp.torch;

namespace Interp.Hooks;

/// <summary>
/// Activations and the gradients of one scalar metric with respect to them, from one forward and one backward pass
/// (TransformerLens's cache with backward hooks). The cache owns its tensors: dispose it to free them.
/// </summary>
public sealed class GradientCache : IDisposable
{
    readonly Dictionary<string, Tensor> _gradients;

    internal GradientCache(ActivationCache activations, Dictionary<string, Tensor> gradients, Tensor inputGradient, double metric)
    {
        Activations = activations;
        _gradients = gradients;
        InputGradient = inputGradient;
        Metric = metric;
    }

    /// <summary>The activations of the cached layers (detached).</summary>
    public ActivationCache Activations { get; }

    /// <summary>The metric's value in this run.</summary>
    public double Metric { get; }

    /// <summary>The gradient of the metric with respect to the input image [N, 3, H, W].</summary>
    public Tensor InputGradient { get; }

    /// <summary>Every layer with a cached gradient.</summary>
    public IEnumerable<string> Layers => _gradients.Keys;

    /// <summary>The gradient of the metric with respect to a layer's activation (same shape as the activation).</summary>
    public Tensor Gradient(string layer) => _gradients.TryGetValue(layer, out var g)
        ? g
        : throw new KeyNotFoundException(NearestNames.UnknownMessage("cached layer", layer, _gradients.Keys.ToList()));

    /// <summary>
    /// Gradient × activation of <paramref name="layer"/> summed over positions, per image and channel [N, C]: the first-order
    /// estimate of how much the metric would drop if each channel were set to zero.
    /// </summary>
    public Tensor ChannelAttribution(string layer)
    {
        var act = Activations[layer];
        using var product = act * Gradient(layer);
        return product.ndim > 2 ? product.flatten(2).sum([2]) : product.clone();
    }

    /// <summary>Frees every tensor.</summary>
    public void Dispose()
    {
        Activations.Dispose();
        foreach (var g in _gradients.Values) g.Dispose();
        _gradients.Clear();
        InputGradient.Dispose();
    }
}
