using static TorchSharp.torch;

namespace Interp.Hooks;

/// <summary>
/// Another basis for a layer's activation, addressable like a layer of its own (e.g. a sparse autoencoder's features
/// over <c>layer3</c>, named <c>layer3/sae</c>): <see cref="Read"/> maps the layer's output to the view's activation, and
/// <see cref="Write"/> maps an edited view back to a layer output, so hooks on the view both read and edit.
/// </summary>
public interface ILayerView
{
    /// <summary>What the view is, shown as the layer's kind (e.g. "SparseAutoencoder TopK").</summary>
    string Kind { get; }

    /// <summary>The view's activation ([N, F, ...]) of the source layer's output ([N, C, ...]); differentiable.</summary>
    Tensor Read(Tensor source);

    /// <summary>
    /// The source layer's output after the view's activation <paramref name="read"/> (what <see cref="Read"/> returned for
    /// <paramref name="source"/>) was replaced by <paramref name="edited"/>; the part of the source the view does not explain
    /// is kept, so an unchanged view gives back the source.
    /// </summary>
    Tensor Write(Tensor source, Tensor read, Tensor edited);
}
