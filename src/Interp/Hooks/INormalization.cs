namespace Interp.Hooks;

/// <summary>
/// Marks a module that normalizes its input (e.g. a LayerNorm over the channels of each position of a map), so that tools probing a
/// model's connectivity rather than its values (<c>ReceptiveFields.FromArchitecture</c>) pass its input through unchanged, as they do
/// with TorchSharp's own batch and layer norms.
/// </summary>
public interface INormalization;
