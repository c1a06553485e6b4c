using static TorchSharp.torch;

namespace Interp.Stimuli;

/// <summary>A batch of stimuli [N, 3, H, W] (RGB in [0, 1]) with the parameters of each image. Owns the images.</summary>
public sealed class StimulusSet<TParameter>(Tensor images, IReadOnlyList<TParameter> parameters) : IDisposable
{
    /// <summary>The images, one per parameter.</summary>
    public Tensor Images { get; } = images.shape[0] == parameters.Count ? images
        : throw new ArgumentException($"{images.shape[0]} images for {parameters.Count} parameters.");
    /// <summary>The parameters, in batch order.</summary>
    public IReadOnlyList<TParameter> Parameters { get; } = parameters;
    /// <summary>Number of stimuli.</summary>
    public int Count => Parameters.Count;

    /// <summary>Frees the images.</summary>
    public void Dispose() => Images.Dispose();
}
