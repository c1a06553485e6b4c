using Interp.Images;
using static TorchSharp.torch;

namespace Interp.Datasets;

/// <summary>A numbered, stable list of images: what a dataset scan reads.</summary>
public interface IImageSource
{
    /// <summary>A name that identifies the dataset in results and cache keys.</summary>
    string Name { get; }
    /// <summary>Number of images.</summary>
    int Count { get; }
    /// <summary>A stable id of image <paramref name="index"/> (a file name, or a number).</summary>
    string Id(int index);
    /// <summary>Image <paramref name="index"/> as RGB in [0, 1] [3, H, W]; an <see cref="ImageLoadException"/> when it cannot be read.</summary>
    Tensor Load(int index);
}

/// <summary>Images already in memory (each [3, H, W] in [0, 1]); the source does not own them.</summary>
public sealed class MemoryImages(string name, IReadOnlyList<Tensor> images) : IImageSource
{
    /// <inheritdoc/>
    public string Name { get; } = name;
    /// <inheritdoc/>
    public int Count => images.Count;
    /// <inheritdoc/>
    public string Id(int index) => $"{index}";
    /// <inheritdoc/>
    public Tensor Load(int index) => images[index].alias();
}

/// <summary>
/// Every supported image file below a folder, in ordinal order of their relative paths (so an index means the same
/// file on every machine that has the same files). Files are read one at a time, capped in size, verified.
/// </summary>
public sealed class FolderImages : IImageSource
{
    readonly string[] _files;

    /// <summary>Lists the images below <paramref name="folder"/> (recursively).</summary>
    public FolderImages(string folder, long maxPixels = ImageIO.DefaultMaxPixels)
    {
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"No folder at '{folder}'.");
        Folder = Path.GetFullPath(folder);
        MaxPixels = maxPixels;
        _files = [.. Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories)
            .Where(f => ImageIO.SupportedExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Select(f => Path.GetRelativePath(Folder, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)];
        if (_files.Length == 0)
            throw new ArgumentException($"'{folder}' holds no image files ({string.Join(", ", ImageIO.SupportedExtensions)}).", nameof(folder));
    }

    /// <summary>The folder, as a full path.</summary>
    public string Folder { get; }
    /// <summary>The cap on decoded pixels per file.</summary>
    public long MaxPixels { get; }
    /// <inheritdoc/>
    public string Name => Folder;
    /// <inheritdoc/>
    public int Count => _files.Length;
    /// <inheritdoc/>
    public string Id(int index) => _files[index];
    /// <inheritdoc/>
    public Tensor Load(int index) => ImageIO.Load(Path.Combine(Folder, _files[index]), MaxPixels);
}
