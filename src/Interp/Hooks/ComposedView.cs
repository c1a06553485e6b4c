using static TorchSharp.torch;

namespace Interp.Hooks;

/// <summary>
/// A view of a view (e.g. a dictionary's features over a ViT's patch grid, <c>…hook_resid_post/grid/sae</c>): reads through
/// <paramref name="inner"/> then <paramref name="outer"/>, and writes an edit back through both, so the source layer keeps what
/// neither view explains.
/// </summary>
sealed class ComposedView(ILayerView inner, ILayerView outer) : ILayerView
{
    /// <inheritdoc/>
    public string Kind => $"{outer.Kind} of {inner.Kind}";

    /// <inheritdoc/>
    public Tensor Read(Tensor source)
    {
        using var scope = NewDisposeScope();
        return outer.Read(inner.Read(source)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public Tensor Write(Tensor source, Tensor read, Tensor edited)
    {
        using var scope = NewDisposeScope();
        var innerRead = inner.Read(source);
        return inner.Write(source, innerRead, outer.Write(innerRead, read, edited)).MoveToOuterDisposeScope();
    }
}
