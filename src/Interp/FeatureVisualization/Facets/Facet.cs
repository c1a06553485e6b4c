using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Facets;

/// <summary>
/// A facet of a layer (Goh et al. 2021, "faceted feature visualization"): weights over the layer's channels, or
/// over its channels and positions, that pick out one kind of image — text, drawings, faces — usually the
/// weights of a linear probe trained to tell that kind from other images (<see cref="FacetProbe.Fit"/>).
/// <see cref="Objectives.Objectives.Facet"/> steers a feature visualization towards it.
/// </summary>
public sealed class Facet
{
    /// <summary>A facet named <paramref name="name"/> of <paramref name="layer"/>; <paramref name="shape"/> is [C] or [C, H, W].</summary>
    public Facet(string name, string layer, IReadOnlyList<long> shape, float[] weights)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(layer);
        ArgumentNullException.ThrowIfNull(weights);
        if (shape.Count is not (1 or 3) || shape.Any(d => d < 1))
            throw new ArgumentException($"A facet's shape is [channels] or [channels, height, width] with every size at least 1; got [{string.Join(", ", shape)}].", nameof(shape));
        long count = shape.Aggregate(1L, (a, d) => a * d);
        if (weights.Length != count)
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] holds {count} weights but {weights.Length} were given.", nameof(weights));
        if (weights.Any(w => !float.IsFinite(w)))
            throw new ArgumentException($"Facet weight {Array.FindIndex(weights, w => !float.IsFinite(w))} is not a finite number.", nameof(weights));
        Name = name;
        Layer = layer;
        Shape = [.. shape];
        Weights = weights;
    }

    /// <summary>The facet's name, e.g. <c>words</c>.</summary>
    public string Name { get; }
    /// <summary>The layer whose activations the weights apply to.</summary>
    public string Layer { get; }
    /// <summary>[C] (one weight per channel) or [C, H, W] (per channel and position).</summary>
    public IReadOnlyList<long> Shape { get; }
    /// <summary>The weights, row-major in <see cref="Shape"/>.</summary>
    public float[] Weights { get; }
    /// <summary>Channels of <see cref="Layer"/> the facet covers.</summary>
    public long Channels => Shape[0];
    /// <summary>Whether the weights vary with position ([C, H, W]).</summary>
    public bool IsSpatial => Shape.Count == 3;

    /// <summary>The same weights with the opposite sign, under another name: the facet a two-class probe finds for its other class.</summary>
    public Facet Opposite(string name) => new(name, Layer, Shape, [.. Weights.Select(w => -w)]);

    /// <summary>
    /// The weights as a tensor to multiply with an activation [N, C, H, W]: [1, C, 1, 1] for channel weights, or
    /// [1, C, H, W] for spatial ones, resized bilinearly (PyTorch's <c>align_corners=false</c>) when the activation's
    /// map has another size than the facet's.
    /// </summary>
    public Tensor WeightsFor(Tensor activation)
    {
        if (activation.ndim != 4)
            throw new ArgumentException($"Facet '{Name}' applies to a spatial layer [N, C, H, W]; '{Layer}' gave shape [{string.Join(", ", activation.shape)}].");
        if (activation.shape[1] != Channels)
            throw new ArgumentException($"Facet '{Name}' has {Channels} channel weights but layer '{Layer}' has {activation.shape[1]} channels.");
        var w = tensor(Weights, dtype: float32, device: activation.device);
        if (!IsSpatial) return w.view(1, Channels, 1, 1).to(activation.dtype);
        w = w.view(1, Shape[0], Shape[1], Shape[2]);
        if (Shape[1] != activation.shape[2] || Shape[2] != activation.shape[3])
            w = nn.functional.interpolate(w, [activation.shape[2], activation.shape[3]], mode: InterpolationMode.Bilinear, align_corners: false);
        return w.to(activation.dtype);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name}@{Layer}";
}
