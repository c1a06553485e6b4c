using Interp.Text;
using static TorchSharp.torch;

namespace Interp.Images;

/// <summary>The licensed sample photos shipped in <c>data/images</c> (see its README for provenance).</summary>
public static class SampleImages
{
    /// <summary>The sample names, e.g. <c>chelsea</c>.</summary>
    public static IReadOnlyList<string> Names =>
        [.. Directory.GetFiles(Folder).Where(f => ImageIO.SupportedExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).Cast<string>()];

    /// <summary>The folder of sample images.</summary>
    public static string Folder => Path.Combine(Runtime.InterpPaths.DataFolder(), "images");

    /// <summary>Loads a sample as [3, H, W] RGB in [0, 1]; with <paramref name="size"/>, resized and centre-cropped to a square.</summary>
    public static Tensor Load(string name, int? size = null)
    {
        var path = Directory.GetFiles(Folder, name + ".*").FirstOrDefault()
            ?? throw new ArgumentException(NearestNames.UnknownMessage("sample image", name, Names.ToList()), nameof(name));
        var image = ImageIO.Load(path);
        if (size is not { } s) return image;
        using (image) return ImageTensors.ResizeCenterCrop(image, s);
    }
}
