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
    /// <summary>Transforms applied each step before the model (see <see cref="InputResize"/> for the size the model sees).</summary>
    public ITransform Transforms { get; init; } = TransformStack.Standard;
    /// <summary>
    /// Steps during which ReLU gradients are redirected (0 disables). Lucid redirects while its global step
    /// (0 at the first update) is at most 16, that is during the first 17 steps; the default is the same.
    /// </summary>
    public int RedirectReluSteps { get; init; } = 17;
    /// <summary>How the image is brought to a size the model takes; default: as Lucid, not at all.</summary>
    public ModelInputResize InputResize { get; init; } = ModelInputResize.None;
    /// <summary>
    /// The number format the render expects the model in (<see cref="Precision.Auto"/>: whatever the model is).
    /// bfloat16 on a CPU without native support gives a warning: it is slower there.
    /// </summary>
    public Precision Precision { get; init; } = Precision.Float32;
    /// <summary>
    /// Stop each forward pass at the deepest layer the objective reads (default). The result is the same,
    /// bit for bit; false runs the whole model every step, for comparison in benchmarks.
    /// </summary>
    public bool StopAtDeepestLayer { get; init; } = true;
    /// <summary>
    /// Feed the model channels-last images (<see cref="Images.ImageTensors.ChannelsLast"/>). Convolutions then run with fewer
    /// layout reorders; the `sizes` and `bench-one --compare` benchmarks measure the gain on a CPU. The renders differ from
    /// the default NCHW ones in float32 rounding (another summation order), so the default stays NCHW and renders stay
    /// reproducible across versions; the choice is part of the provenance and of the render cache's key.
    /// </summary>
    public bool ChannelsLast { get; init; }
    /// <summary>Receives progress after every step.</summary>
    public IProgress<RenderProgress>? Progress { get; init; }
    /// <summary>Stops the render between steps.</summary>
    public CancellationToken Cancellation { get; init; }

    internal ImageParameterization CreateParameterization(Generator generator, Device device) =>
        Parameterization?.Invoke(this, generator) ?? new FourierImage(Batch, Size, Size, generator, device: device);
}
