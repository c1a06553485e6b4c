namespace Interp.Tests;

/// <summary>Locations the tests need: the repository, the shared fixtures, the NuGet cache.</summary>
internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Interp.Notebooks.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("Tests must run inside the Interp.Notebooks repository.");
    }

    /// <summary>The shared reference fixtures (../shared/fixtures beside the repository, or $INTERP_FIXTURES).</summary>
    public static string Fixtures =>
        Environment.GetEnvironmentVariable("INTERP_FIXTURES") is { Length: > 0 } f ? f : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "fixtures"));

    public static string NuGetRoot =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public static string TorchSharpNative => Path.Combine(NuGetRoot, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    public static string Temp(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "interp-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
