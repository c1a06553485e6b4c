using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Transforms;

/// <summary>
/// A differentiable, randomized image transformation [N, 3, H, W] → [N, 3, H', W'], applied at every
/// optimization step so that the image works under small changes (transformation robustness).
/// All randomness comes from the given generator, so a seed reproduces a run exactly.
/// </summary>
[JsonConverter(typeof(TransformJsonConverter))]
public interface ITransform
{
    /// <summary>Transforms <paramref name="image"/>; random choices are drawn from <paramref name="generator"/>.</summary>
    Tensor Apply(Tensor image, Generator generator);

    /// <summary>A readable description, e.g. <c>jitter(8)</c>.</summary>
    string Description { get; }
}

internal static class Random
{
    /// <summary>A uniform integer in [0, <paramref name="count"/>).</summary>
    public static int Index(int count, Generator generator)
    {
        using var t = randint(0, count, [1], generator: generator, dtype: int64);
        return (int)t.item<long>();
    }
}
