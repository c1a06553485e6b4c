using Interp.FeatureVisualization.Parameterizations;
using Interp.FeatureVisualization.Transforms;
using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Rendering;

/// <summary>Settings of a render. Defaults follow Lucid: a 128 px decorrelated Fourier image, the standard transforms, Adam at 0.05, 512 steps.</summary>
public sealed record RenderOptions
{
    /// <summary>Optimization steps.</summary>
    public int Steps { get; init; } = 512;
    /// <summary>Steps after which to keep a snapshot of the image (the last step is always kept).</summary>
    public IReadOnlyList<int> Thresholds { get; init; } = [];
    /// <summary>Adam's learning rate.</summary>
    public double LearningRate { get; init; } = 0.05;
    /// <summary>Seed of the parameter initialization and of every random transform.</summary>
    public long Seed { get; init; }
    /// <summary>Image side in pixels (the parameterization's size).</summary>
    public int Size { get; init; } = 128;
    /// <summary>Images optimized together.</summary>
    public int Batch { get; init; } = 1;
    /// <summary>Makes the parameterization; default: decorrelated Fourier image.</summary>
    public Func<RenderOptions, Generator, ImageParameterization>? Parameterization { get; init; }
    /// <summary>Transforms applied each step before the model (then resized to the model's input size).</summary>
    public ITransform Transforms { get; init; } = TransformStack.Standard;
    /// <summary>Steps during which ReLU gradients are redirected (Lucid: 16; 0 disables).</summary>
    public int RedirectReluSteps { get; init; } = 16;
    /// <summary>Resize transformed images to the model's input size (as Lucent does).</summary>
    public bool ResizeToModelInput { get; init; } = true;
    /// <summary>The number format of the model during the render.</summary>
    public Precision Precision { get; init; } = Precision.Float32;
    /// <summary>Receives progress after every step.</summary>
    public IProgress<RenderProgress>? Progress { get; init; }
    /// <summary>Stops the render between steps.</summary>
    public CancellationToken Cancellation { get; init; }

    internal ImageParameterization CreateParameterization(Generator generator, Device device) =>
        Parameterization?.Invoke(this, generator) ?? new FourierImage(Batch, Size, Size, generator, device: device);
}
