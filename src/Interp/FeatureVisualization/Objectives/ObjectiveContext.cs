using Interp.Hooks;
using Interp.Text;
using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Objectives;

/// <summary>What an objective sees in one optimization step: the activations it asked for and the image.</summary>
public sealed class ObjectiveContext
{
    /// <summary>The layer name objectives use for the optimized image itself (before transforms).</summary>
    public const string InputLayer = "input";

    readonly IReadOnlyDictionary<string, Tensor> _activations;
    readonly IReadOnlyDictionary<string, Tensor> _graphActivations;

    /// <summary>A context over <paramref name="activations"/> (by layer name) and the image <paramref name="input"/>.</summary>
    public ObjectiveContext(IReadOnlyDictionary<string, Tensor> activations, Tensor input)
        : this(activations, activations, input) { }

    ObjectiveContext(IReadOnlyDictionary<string, Tensor> activations, IReadOnlyDictionary<string, Tensor> graphActivations, Tensor input)
    {
        _activations = activations;
        _graphActivations = graphActivations;
        Input = input;
    }

    /// <summary>
    /// A context over a forward pass's cached activations, converted to float32 (objectives are evaluated
    /// in float32 even when the model runs in bfloat16), and the untransformed image.
    /// </summary>
    public static ObjectiveContext FromCache(ActivationCache cache, Tensor input) =>
        new(cache.ToDictionary(kv => kv.Key, kv => kv.Value.to(float32)), cache.ToDictionary(kv => kv.Key, kv => kv.Value), input);

    /// <summary>The image batch being optimized [N, 3, H, W], before transforms.</summary>
    public Tensor Input { get; }

    /// <summary>Images in the batch.</summary>
    public long Batch => Input.shape[0];

    /// <summary>A layer's activation [N, …], or the image for <see cref="InputLayer"/>.</summary>
    public Tensor this[string layer] =>
        layer == InputLayer ? Input
        : _activations.TryGetValue(layer, out var t) ? t
        : throw new KeyNotFoundException(NearestNames.UnknownMessage("layer in this objective's context", layer, [InputLayer, .. _activations.Keys]));

    /// <summary>
    /// The gradient of the scalar <paramref name="value"/> with respect to <paramref name="layer"/>'s activation,
    /// detached and in float32: what attribution-based objectives (<see cref="Objectives.Facet"/>) read. The graph
    /// is kept, so the render loop's backward pass still runs afterwards.
    /// </summary>
    public Tensor Gradient(Tensor value, string layer)
    {
        if (value.numel() != 1)
            throw new ArgumentException($"A gradient is taken of one number; the value has shape [{string.Join(", ", value.shape)}].", nameof(value));
        var target = layer == InputLayer ? Input
            : _graphActivations.TryGetValue(layer, out var t) ? t
            : throw new KeyNotFoundException(NearestNames.UnknownMessage("layer in this objective's context", layer, [InputLayer, .. _graphActivations.Keys]));
        // libtorch ends the process, instead of throwing, when asked for the gradient of a constant: check first.
        if (!value.requires_grad || !target.requires_grad)
            throw new InvalidOperationException($"The gradient with respect to '{layer}' is not available: the activations were computed without " +
                "gradient bookkeeping. Evaluate this objective on a forward pass of an input that requires gradients (the Renderer's loop and " +
                "Renderer.Score do).");
        var g = autograd.grad([value.reshape([])], [target], retain_graph: true, allow_unused: true)[0];
        if (g is null || g.IsInvalid)
            throw new InvalidOperationException($"The value does not depend on '{layer}': its layers come before '{layer}' in the model, or beside it. " +
                "An attribution objective needs a layer the value is computed from.");
        return g.detach().to(float32);
    }
}
