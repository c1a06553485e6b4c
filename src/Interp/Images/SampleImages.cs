using Interp.Text;
using static TorchSharp.torch;

namespace Interp.Images;

/// <summary>The licensed sample photos shipped in <c>data/images</c> (see its README for provenance).</summary>
public static class SampleImages
{
    /// <summary>Environment variable naming the repository's <c>data</c> folder, when it cannot be found by walking up.</summary>
    public const string DataVariable = "INTERP_DATA";

    /// <summary>The sample names, e.g. <c>chelsea</c>.</summary>
    public static IReadOnlyList<string> Names =>
        [.. Directory.GetFiles(Folder).Where(f => ImageIO.SupportedExtensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).Cast<string>()];

    /// <summary>The folder of sample images.</summary>
    public static string Folder => Path.Combine(DataFolder(), "images");

    /// <summary>Loads a sample as [3, H, W] RGB in [0, 1]; with <paramref name="size"/>, resized and centre-cropped to a square.</summary>
    public static Tensor Load(string name, int? size = null)
    {
        var path = Directory.GetFiles(Folder, name + ".*").FirstOrDefault()
            ?? throw new ArgumentException(NearestNames.UnknownMessage("sample image", name, Names.ToList()), nameof(name));
        var image = ImageIO.Load(path);
        if (size is not { } s) return image;
        using (image) return ImageTensors.ResizeCenterCrop(image, s);
    }

    /// <summary>Finds the repository's <c>data</c> folder: <see cref="DataVariable"/>, else upwards from the working directory, else from this assembly.</summary>
    public static string DataFolder()
    {
        if (Environment.GetEnvironmentVariable(DataVariable) is { Length: > 0 } env)
            return Directory.Exists(Path.Combine(env, "images")) ? env : throw new DirectoryNotFoundException($"{DataVariable}='{env}' has no images folder.");
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory, Path.GetDirectoryName(typeof(SampleImages).Assembly.Location) ?? "" })
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "data", "images", "README.md"))) return Path.Combine(dir.FullName, "data");
        throw new DirectoryNotFoundException($"Could not find the repository's data/images folder above '{Environment.CurrentDirectory}'. Run from inside the Interp.Notebooks repository or set {DataVariable}.");
    }
}
