using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Parameterizations;

/// <summary>
/// How the optimized image is represented: trainable parameters and a differentiable map from them
/// to an image batch [N, 3, H, W] with values in [0, 1].
/// </summary>
public abstract class ImageParameterization : IDisposable
{
    /// <summary>Images in the batch.</summary>
    public abstract int Batch { get; }
    /// <summary>Image height in pixels.</summary>
    public abstract int Height { get; }
    /// <summary>Image width in pixels.</summary>
    public abstract int Width { get; }
    /// <summary>The tensors the optimizer updates.</summary>
    public abstract IReadOnlyList<Parameter> Parameters { get; }
    /// <summary>The current image batch [N, 3, H, W] in [0, 1], differentiable with respect to <see cref="Parameters"/>.</summary>
    public abstract Tensor Image();
    /// <summary>A readable description, e.g. <c>fourier(128×128, batch 4, decay 1, decorrelated)</c>.</summary>
    public abstract string Description { get; }

    /// <summary>Frees the parameters.</summary>
    public void Dispose()
    {
        foreach (var p in Parameters) p.Dispose();
        DisposeBuffers();
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees tensors other than the parameters (fixed scales, coordinate grids).</summary>
    protected virtual void DisposeBuffers() { }

    /// <inheritdoc/>
    public override string ToString() => Description;

    internal static void RequirePositive(int batch, int height, int width)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "The batch size must be at least 1.");
        if (height < 2 || width < 2) throw new ArgumentOutOfRangeException(nameof(height), $"The image must be at least 2×2 pixels; got {height}×{width}.");
    }
}
