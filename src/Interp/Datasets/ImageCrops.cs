using TorchSharp;
using static TorchSharp.torch;

namespace Interp.Datasets;

/// <summary>
/// Crops of every image of a source at several scales, each crop one item of the new dataset, so a scan sees small
/// structures as well as whole scenes (the dataset examples of the Circuits papers come from crops at several scales).
/// For grid n, an image's short side is cut into n equal spans and its long side holds n crops of that side spread
/// evenly from one end to the other; grid 1 is the centred square crop. Every image thus gives Σ n² crops, whatever its
/// size, so indices are known without reading any image. An id reads <c>file@n:row,column</c>.
/// </summary>
public sealed class ImageCrops : IImageSource, IDisposable
{
    readonly IImageSource _inner;
    readonly int[] _grids;
    readonly int _perImage;
    int _cachedIndex = -1;
    Tensor? _cached;

    /// <summary>Crops the images of <paramref name="inner"/> on the grids <paramref name="grids"/> (e.g. 1, 2, 3).</summary>
    public ImageCrops(IImageSource inner, params int[] grids)
    {
        if (grids.Length == 0) throw new ArgumentException("Give at least one grid (1 is the centred square crop).", nameof(grids));
        if (grids.Any(g => g < 1 || g > 16)) throw new ArgumentOutOfRangeException(nameof(grids), $"Grids are 1 to 16 crops along the short side; got {string.Join(", ", grids)}.");
        if (grids.Distinct().Count() != grids.Length) throw new ArgumentException($"Grids must differ; got {string.Join(", ", grids)}.", nameof(grids));
        _inner = inner;
        _grids = grids;
        _perImage = grids.Sum(g => g * g);
        Name = $"{inner.Name} (crops on grids {string.Join(",", grids)})";
    }

    /// <inheritdoc/>
    public string Name { get; }
    /// <inheritdoc/>
    public int Count => _inner.Count * _perImage;
    /// <summary>Crops per image (Σ n² over the grids).</summary>
    public int PerImage => _perImage;

    /// <summary>Which image, grid, row and column item <paramref name="index"/> is.</summary>
    public (int Image, int Grid, int Row, int Column) Locate(int index)
    {
        if (index < 0 || index >= Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"'{Name}' holds crops 0..{Count - 1}.");
        int image = index / _perImage, k = index % _perImage;
        foreach (var g in _grids)
        {
            if (k < g * g) return (image, g, k / g, k % g);
            k -= g * g;
        }
        throw new InvalidOperationException("unreachable");
    }

    /// <inheritdoc/>
    public string Id(int index)
    {
        var (image, grid, row, column) = Locate(index);
        return $"{_inner.Id(image)}@{grid}:{row},{column}";
    }

    /// <summary>The crop's square in image pixels (top, left, side) for an image of <paramref name="height"/>×<paramref name="width"/>.</summary>
    public static (int Top, int Left, int Side) Square(int height, int width, int grid, int row, int column)
    {
        int side = Math.Min(height, width) / grid;
        if (side < 1) throw new ArgumentException($"A {height}×{width} image is too small for grid {grid}.");
        int Place(int extent, int i) => grid == 1 ? (extent - side) / 2 : (int)Math.Round((double)(extent - side) * i / (grid - 1));
        return (Place(height, row), Place(width, column), side);
    }

    /// <summary>Frees the one decoded image kept for consecutive crops of it.</summary>
    public void Dispose() => Forget();

    void Forget()
    {
        _cached?.Dispose();
        _cached = null;
        _cachedIndex = -1;
    }

    /// <inheritdoc/>
    public Tensor Load(int index)
    {
        var (image, grid, row, column) = Locate(index);
        if (_cachedIndex != image)
        {
            Forget();
            _cached = _inner.Load(image).DetachFromDisposeScope();   // kept across the caller's dispose scopes (a scan opens one per batch)
            _cachedIndex = image;
        }
        var img = _cached!;
        var (top, left, side) = Square((int)img.shape[1], (int)img.shape[2], grid, row, column);
        using var view = img[.., TensorIndex.Slice(top, top + side), TensorIndex.Slice(left, left + side)];
        return view.clone(); // a copy: the caller owns it; the cached image stays this source's
    }
}
