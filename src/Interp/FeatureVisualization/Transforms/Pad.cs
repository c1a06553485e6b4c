using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Transforms;

/// <summary>Pads every side by <see cref="Pixels"/> with a constant (Lucid's standard stack uses 0.5, mid grey).</summary>
public sealed record Pad(int Pixels, float Value = 0.5f) : ITransform
{
    /// <inheritdoc/>
    public Tensor Apply(Tensor image, Generator generator) =>
        Pixels == 0 ? image.alias() : nn.functional.pad(image, [Pixels, Pixels, Pixels, Pixels], value: Value);

    /// <inheritdoc/>
    public string Description => $"pad({Pixels}, {Value})";
}
