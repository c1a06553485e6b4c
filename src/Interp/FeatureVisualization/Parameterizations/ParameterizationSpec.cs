using System.Text.Json.Serialization;
using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Parameterizations;

/// <summary>
/// Which <see cref="ImageParameterization"/> a render optimizes, as data: it serializes to JSON (so it is part of a render's
/// provenance and cache key) and makes the parameterization for a batch, a size and the model's device.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "Kind")]
[JsonDerivedType(typeof(FourierSpec), "fourier")]
[JsonDerivedType(typeof(PixelSpec), "pixel")]
[JsonDerivedType(typeof(CppnSpec), "cppn")]
[JsonDerivedType(typeof(CustomParameterizationSpec), "custom")]
public abstract record ParameterizationSpec
{
    /// <summary>Makes the parameterization, drawing its initial values from <paramref name="generator"/>, on <paramref name="device"/>.</summary>
    public abstract ImageParameterization Create(int batch, int height, int width, Generator generator, Device device);

    /// <summary>Lucid's default: the decorrelated Fourier image.</summary>
    public static FourierSpec Default { get; } = new();
}

/// <summary><see cref="FourierImage"/> with its settings (Lucid's defaults).</summary>
public sealed record FourierSpec(bool Decorrelate = true, double Decay = 1.0, double Sd = 0.01, int SharedFactor = 0) : ParameterizationSpec
{
    /// <inheritdoc/>
    public override ImageParameterization Create(int batch, int height, int width, Generator generator, Device device) =>
        new FourierImage(batch, height, width, generator, Decorrelate, Decay, Sd, SharedFactor, device);
}

/// <summary><see cref="PixelImage"/> with its settings.</summary>
public sealed record PixelSpec(bool Decorrelate = true, double Sd = 0.01) : ParameterizationSpec
{
    /// <inheritdoc/>
    public override ImageParameterization Create(int batch, int height, int width, Generator generator, Device device) =>
        new PixelImage(batch, height, width, generator, Decorrelate, Sd, device);
}

/// <summary><see cref="CppnImage"/> with its settings (Lucid's defaults; render it with a learning rate of 0.005).</summary>
public sealed record CppnSpec(int Layers = 8, int Hidden = 24) : ParameterizationSpec
{
    /// <inheritdoc/>
    public override ImageParameterization Create(int batch, int height, int width, Generator generator, Device device) =>
        new CppnImage(batch, height, width, generator, Layers, Hidden, device);
}

/// <summary>
/// A parameterization of your own, made by <paramref name="Factory"/> and identified in JSON by <paramref name="Name"/> alone:
/// give each different factory its own name. The render cache refuses it (it cannot tell two factories of one name apart).
/// </summary>
public sealed record CustomParameterizationSpec(string Name,
    [property: JsonIgnore] Func<int, int, int, Generator, Device, ImageParameterization> Factory) : ParameterizationSpec
{
    /// <inheritdoc/>
    public override ImageParameterization Create(int batch, int height, int width, Generator generator, Device device) =>
        Factory(batch, height, width, generator, device);
}
