using Interp.Hooks;
using Interp.Text;
using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Objectives;

/// <summary>What an objective sees in one optimization step: the activations it asked for and the image.</summary>
public sealed class ObjectiveContext(IReadOnlyDictionary<string, Tensor> activations, Tensor input)
{
    /// <summary>The layer name objectives use for the optimized image itself (before transforms).</summary>
    public const string InputLayer = "input";

    /// <summary>
    /// A context over a forward pass's cached activations, converted to float32 (objectives are evaluated
    /// in float32 even when the model runs in bfloat16), and the untransformed image.
    /// </summary>
    public static ObjectiveContext FromCache(ActivationCache cache, Tensor input) =>
        new(cache.ToDictionary(kv => kv.Key, kv => kv.Value.to(float32)), input);

    /// <summary>The image batch being optimized [N, 3, H, W], before transforms.</summary>
    public Tensor Input { get; } = input;

    /// <summary>Images in the batch.</summary>
    public long Batch => Input.shape[0];

    /// <summary>A layer's activation [N, …], or the image for <see cref="InputLayer"/>.</summary>
    public Tensor this[string layer] =>
        layer == InputLayer ? Input
        : activations.TryGetValue(layer, out var t) ? t
        : throw new KeyNotFoundException(NearestNames.UnknownMessage("layer in this objective's context", layer, [InputLayer, .. activations.Keys]));
}
