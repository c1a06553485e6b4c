using Interp.Images;
using Interp.Text;
using static TorchSharp.torch;

namespace Interp.Datasets;

/// <summary>
/// The natural photographs shipped with the project: six named samples in <c>data/images</c> (loaded by name, e.g.
/// <c>chelsea</c>) and a larger collection in <c>data/photos</c>, together one dataset (provenance and licences in each
/// folder's README). A small, real set for examples and natural activation scales; point <see cref="FolderImages"/> at
/// ImageNet for a real study.
/// </summary>
public static class SamplePhotos
{
    /// <summary>The folder of the named samples, <c>data/images</c>.</summary>
    public static string NamedFolder => Path.Combine(Runtime.InterpPaths.DataFolder(), "images");

    /// <summary>The folder of the larger collection, <c>data/photos</c>.</summary>
    public static string Folder => Path.Combine(Runtime.InterpPaths.DataFolder(), "photos");

    /// <summary>The named samples, e.g. <c>chelsea</c>.</summary>
    public static IReadOnlyList<string> Names =>
        [.. Directory.GetFiles(NamedFolder).Where(f => ImageIO.SupportedExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).Cast<string>()];

    /// <summary>Loads a named sample as [3, H, W] RGB in [0, 1]; with <paramref name="size"/>, resized and centre-cropped to a square.</summary>
    /// <exception cref="ArgumentException">No sample has that name (the message lists the nearest).</exception>
    public static Tensor Load(string name, int? size = null)
    {
        var path = Directory.GetFiles(NamedFolder, name + ".*").FirstOrDefault()
            ?? throw new ArgumentException(NearestNames.UnknownMessage("sample photo", name, Names.ToList()), nameof(name));
        var image = ImageIO.Load(path);
        if (size is not { } s) return image;
        using (image) return ImageTensors.ResizeCenterCrop(image, s);
    }

    /// <summary>All shipped photos, the named samples first, each folder in ordinal file order.</summary>
    public static IImageSource All() => new ConcatImages("sample photos", new FolderImages(NamedFolder), new FolderImages(Folder));

    /// <summary>All shipped photos cut into crops on <paramref name="grids"/> (see <see cref="ImageCrops"/>).</summary>
    public static ImageCrops Crops(params int[] grids) => new(All(), grids);
}
