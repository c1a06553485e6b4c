namespace Interp.FeatureVisualization.Rendering;

/// <summary>The number format of the model and its activations during a render.</summary>
public enum Precision
{
    /// <summary>float32 everywhere (default).</summary>
    Float32,
    /// <summary>The model and activations in bfloat16; the image parameters and optimizer stay float32.</summary>
    BFloat16,
}
