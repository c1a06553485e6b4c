using Interp.Models.ToyClip;

namespace Interp.Zoo;

/// <summary>The toy CLIP trained by <c>interp train toy-clip</c> and shipped in <c>data/toyclip</c>.</summary>
public static class ToyClipWeights
{
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
