namespace Interp.Runtime;

/// <summary>
/// Where the library finds and keeps things: the repository's <c>data</c> folder, the cache, the NuGet package folder. One
/// place for each; the environment variables that move them are listed in <see cref="InterpEnvironment"/>.
/// </summary>
public static class InterpPaths
{
    /// <summary>
    /// The repository's <c>data</c> folder (licensed photos, fonts, vocabularies, shipped weights): <c>INTERP_DATA</c>, else
    /// the first folder upwards from the working directory, then from this assembly, that has <c>data/images/README.md</c>.
    /// </summary>
    public static string DataFolder()
    {
        if (Environment.GetEnvironmentVariable(InterpEnvironment.Data.Name) is { Length: > 0 } env)
            return Directory.Exists(Path.Combine(env, "images")) ? env : throw new DirectoryNotFoundException($"{InterpEnvironment.Data.Name}='{env}' has no images folder.");
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory, Path.GetDirectoryName(typeof(InterpPaths).Assembly.Location) ?? "" })
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "data", "images", "README.md"))) return Path.Combine(dir.FullName, "data");
        throw new DirectoryNotFoundException($"Could not find the repository's data/images folder above '{Environment.CurrentDirectory}'. Run from inside the Interp.Notebooks " +
            $"repository or set {InterpEnvironment.Data.Name}.");
    }

    /// <summary>The cache of converted models, downloads, renders and native copies: <c>INTERP_CACHE</c>, else <c>$XDG_CACHE_HOME/interp-notebooks</c>, else
    /// <c>~/.cache/interp-notebooks</c>.</summary>
    public static string CacheRoot
    {
        get
        {
            var fromEnv = Environment.GetEnvironmentVariable(InterpEnvironment.Cache.Name);
            if (!string.IsNullOrWhiteSpace(fromEnv)) return Path.GetFullPath(fromEnv);
            var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            var baseDir = !string.IsNullOrWhiteSpace(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(baseDir, "interp-notebooks");
        }
    }

    /// <summary>The NuGet global packages folder (<c>$NUGET_PACKAGES</c> or <c>~/.nuget/packages</c>), where TorchSharp's native files and the ResNet-18 package are.</summary>
    public static string NuGetRoot() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
