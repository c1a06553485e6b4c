namespace Interp.Runtime;

/// <summary>One environment variable the project reads: its name, what it sets, and what happens without it.</summary>
public sealed record EnvironmentVariable(string Name, string Sets, string Default);

/// <summary>
/// Every <c>INTERP_*</c> environment variable the library, its programs and its tests read, in one place (README lists them
/// from here; a test checks that no other is read anywhere).
/// </summary>
public static class InterpEnvironment
{
    /// <summary><c>INTERP_CACHE</c>.</summary>
    public static EnvironmentVariable Cache { get; } = new("INTERP_CACHE", "the cache folder (converted models, downloads, renders, native copies)", "~/.cache/interp-notebooks");
    /// <summary><c>INTERP_DATA</c>.</summary>
    public static EnvironmentVariable Data { get; } = new("INTERP_DATA", "the repository's data folder", "found upwards from the working directory");
    /// <summary><c>INTERP_THREADS</c>.</summary>
    public static EnvironmentVariable Threads { get; } = new("INTERP_THREADS", "libtorch's thread count in notebooks (results are bitwise reproducible only at a fixed count)",
        "all cores");
    /// <summary><c>INTERP_QUICK</c>.</summary>
    public static EnvironmentVariable Quick { get; } = new("INTERP_QUICK", "quick mode (1): notebooks take a quarter of their optimization steps; the tests set it", "full mode");
    /// <summary><c>INTERP_SITE</c>.</summary>
    public static EnvironmentVariable Site { get; } = new("INTERP_SITE",
        "the folder the runner writes the notebook site to (it sets it for each notebook); notebooks put pages they build, e.g. a Microscope slice, beneath it",
        "pages go to the cache's site folder and are linked by file path");
    /// <summary><c>INTERP_MALLOC</c>.</summary>
    public static EnvironmentVariable Malloc { get; } = new("INTERP_MALLOC",
        "the C allocator (NativeAllocator): 'tcmalloc' (required), 'glibc' (tuned for tensors), 'default' (glibc's own settings), 'auto'",
        "auto: the interp tool and the runner preload tcmalloc when installed, else glibc tuned");
    /// <summary><c>INTERP_RESNET18_DIR</c>.</summary>
    public static EnvironmentVariable ResNet18Dir { get; } = new("INTERP_RESNET18_DIR", "a folder holding ResNet18.onnx, when the NuGet package is not in the NuGet folder",
        "the NuGet package's copy");
    /// <summary><c>INTERP_FIXTURES</c>.</summary>
    public static EnvironmentVariable Fixtures { get; } = new("INTERP_FIXTURES", "tests: the shared reference fixtures folder", "../shared/fixtures beside the repository");
    /// <summary><c>INTERP_CHROMIUM</c>.</summary>
    public static EnvironmentVariable Chromium { get; } = new("INTERP_CHROMIUM", "tests: the Chromium executable the site test drives", "/usr/bin/chromium");

    /// <summary>All of them.</summary>
    public static IReadOnlyList<EnvironmentVariable> All { get; } = [Cache, Data, Threads, Quick, Site, Malloc, ResNet18Dir, Fixtures, Chromium];
}
