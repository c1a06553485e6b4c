using static TorchSharp.torch;

namespace Interp.Dictionary;

/// <summary>
/// Activation vectors held in memory [N, Width] (e.g. read once from a <see cref="LayerActivations"/> stream and reused for
/// several dictionaries): vector i is row i mod N, so training may run for several passes.
/// </summary>
public sealed class StoredActivations : IActivationSource, IDisposable
{
    readonly Tensor _vectors;

    /// <summary>Takes a copy of <paramref name="vectors"/> [N, Width] (float32).</summary>
    public StoredActivations(string name, Tensor vectors)
    {
        if (vectors.ndim != 2 || vectors.shape[0] < 1)
            throw new ArgumentException($"Expected at least one activation vector [N, Width]; got [{string.Join(", ", vectors.shape)}].", nameof(vectors));
        Name = name;
        _vectors = vectors.detach().to(float32).clone().DetachFromDisposeScope();
    }

    /// <summary>Reads vectors 0 … count − 1 of <paramref name="source"/> into memory.</summary>
    public static StoredActivations From(IActivationSource source, int count)
    {
        using var scope = NewDisposeScope();
        return new StoredActivations($"{count} vectors of {source.Name}", source.Batch(0, count));
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <inheritdoc/>
    public int Width => (int)_vectors.shape[1];

    /// <summary>Vectors held.</summary>
    public long Count => _vectors.shape[0];

    /// <inheritdoc/>
    public Tensor Batch(long start, int count)
    {
        if (start < 0 || count < 1) throw new ArgumentOutOfRangeException(nameof(count), $"Vectors start at index ≥ 0 and come at least one at a time (got {start}, {count}).");
        using var scope = NewDisposeScope();
        var indices = arange(start, start + count, dtype: int64).remainder(Count);
        return _vectors.index_select(0, indices).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public void Dispose() => _vectors.Dispose();
}
