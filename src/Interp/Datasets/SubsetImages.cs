namespace Interp.Datasets;

/// <summary>
/// Some images of another source, by index, as a dataset of their own (e.g. the half of the photos a fit may see, so that a
/// selection made on it is not measured on the same images).
/// </summary>
public sealed class SubsetImages : IImageSource
{
    readonly IImageSource _inner;
    readonly int[] _indices;

    /// <summary>Images <paramref name="indices"/> of <paramref name="inner"/>, in that order, named <c>inner's name [which]</c>.</summary>
    /// <exception cref="ArgumentException">No index, an index outside the source, or an index twice.</exception>
    public SubsetImages(IImageSource inner, string which, IEnumerable<int> indices)
    {
        _inner = inner;
        _indices = indices.ToArray();
        if (_indices.Length == 0) throw new ArgumentException($"A subset of '{inner.Name}' needs at least one image.", nameof(indices));
        foreach (var i in _indices)
            if (i < 0 || i >= inner.Count) throw new ArgumentException($"'{inner.Name}' holds images 0..{inner.Count - 1}; the subset asks for image {i}.", nameof(indices));
        if (_indices.Distinct().Count() != _indices.Length) throw new ArgumentException($"The subset of '{inner.Name}' names an image twice.", nameof(indices));
        Name = $"{inner.Name} [{which}]";
    }

    /// <summary>The images of the source with an even index (0, 2, 4, …), or with an odd one.</summary>
    public static SubsetImages Half(IImageSource inner, bool even) =>
        new(inner, even ? "even-numbered" : "odd-numbered", Enumerable.Range(0, inner.Count).Where(i => i % 2 == (even ? 0 : 1)));

    /// <summary>The index in the source of this subset's image <paramref name="index"/>.</summary>
    public int SourceIndex(int index) => index >= 0 && index < _indices.Length ? _indices[index]
        : throw new ArgumentOutOfRangeException(nameof(index), index, $"'{Name}' holds images 0..{Count - 1}.");

    /// <inheritdoc/>
    public string Name { get; }
    /// <inheritdoc/>
    public int Count => _indices.Length;
    /// <inheritdoc/>
    public string Id(int index) => _inner.Id(SourceIndex(index));
    /// <inheritdoc/>
    public TorchSharp.torch.Tensor Load(int index) => _inner.Load(SourceIndex(index));
}
