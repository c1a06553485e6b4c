using Interp.Datasets;
using Interp.Hooks;
using Interp.Models.ToyClip;

namespace Interp.Zoo;

/// <summary>The toy CLIP trained by <c>interp train toy-clip</c> and shipped in <c>data/toyclip</c>.</summary>
public static class ToyClipWeights
{
    /// <summary>The zoo name of the shipped toy CLIP.</summary>
    public const string Name = "toy-clip";

    /// <summary>
    /// The zoo entry: the whole toy CLIP as a <see cref="HookedModel"/> (its output is the image embedding; the image tower's
    /// layers are <c>visual.stem</c>, <c>visual.stage1</c>–<c>visual.stage4</c>, …); dataset examples come from the toy world.
    /// </summary>
    public static ZooEntry Entry { get; } = new(
        Name,
        "The toy CLIP of notebook 04: a 4-stage residual CNN image tower and a 2-layer text transformer, trained here on the toy world (shapes, colours, words).",
        "Trained by `interp train toy-clip` (data/toyclip/training.json records the run); shipped in data/toyclip",
        "MIT (this project's)",
        new InputConvention(Interp.ToyWorld.ToyDataset.ImageSize, "RGB in [0, 1], no normalization"),
        () => File.Exists(Path)
            ? new ModelAvailability(true, Path, "")
            : new ModelAvailability(false, null, $"Train them with: dotnet run -c Release --project src/Interp.Cli -- train toy-clip --out {Path}"),
        () => new HookedModel(Name, Load(), new InputConvention(Interp.ToyWorld.ToyDataset.ImageSize, "RGB in [0, 1], no normalization")),
        ExampleImages: () => new ToyWorldImages(512),
        MainLayers: ["visual.stage1", "visual.stage2", "visual.stage3", "visual.stage4"]);

    /// <summary>The shipped weights' file.</summary>
    public static string Path => System.IO.Path.Combine(Runtime.InterpPaths.DataFolder(), "toyclip", "toy-clip.bin");

    /// <summary>The shipped model in eval mode; a clear error says how to make the file when it is missing.</summary>
    public static ToyClipModel Load()
    {
        if (!File.Exists(Path))
            throw new FileNotFoundException($"The toy CLIP's weights are not at {Path}. Train them with: dotnet run -c Release --project src/Interp.Cli -- train toy-clip --out " +
                $"{Path}", Path);
        var model = new ToyClipModel();
        model.load(Path);
        model.eval();
        return model;
    }
}
