namespace Interp.Datasets;

/// <summary>Several image sources read one after another as one dataset (indices run through the first, then the next).</summary>
public sealed class ConcatImages : IImageSource
{
    readonly IImageSource[] _parts;
    readonly int[] _starts;

    /// <summary>Joins <paramref name="parts"/> under <paramref name="name"/>.</summary>
    public ConcatImages(string name, params IImageSource[] parts)
    {
        if (parts.Length == 0) throw new ArgumentException("Give at least one image source to join.", nameof(parts));
        Name = name;
        _parts = parts;
        _starts = new int[parts.Length];
        for (int i = 1; i < parts.Length; i++) _starts[i] = _starts[i - 1] + parts[i - 1].Count;
        Count = _starts[^1] + parts[^1].Count;
    }

    /// <inheritdoc/>
    public string Name { get; }
    /// <inheritdoc/>
    public int Count { get; }
    /// <inheritdoc/>
    public string Id(int index) { var (p, i) = Locate(index); return _parts[p].Id(i); }
    /// <inheritdoc/>
    public TorchSharp.torch.Tensor Load(int index) { var (p, i) = Locate(index); return _parts[p].Load(i); }

    (int Part, int Index) Locate(int index)
    {
        if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"'{Name}' holds images 0..{Count - 1}.");
        int p = 0;
        while (index >= _starts[p] + _parts[p].Count) p++;
        return (p, index - _starts[p]);
    }
}
