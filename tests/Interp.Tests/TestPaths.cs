namespace Interp.Tests;

/// <summary>Locations the tests need: the repository, the shared fixtures, the NuGet cache.</summary>
internal static class TestPaths
{
    /// <summary>The repository the tests run in, found as the runner and <c>pack</c> find it.</summary>
    public static string RepoRoot { get; } = Interp.Curriculum.LibraryPackage.FindRepoRoot(AppContext.BaseDirectory)
        ?? throw new DirectoryNotFoundException("Tests must run inside the Interp.Notebooks repository.");

    /// <summary>The shared reference fixtures' folder: ../shared/fixtures beside the repository, or $INTERP_FIXTURES.</summary>
    static string FixturesRoot =>
        Environment.GetEnvironmentVariable("INTERP_FIXTURES") is { Length: > 0 } f ? f : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "fixtures"));

    /// <summary>The trait every test class that reads a shared fixture carries; CI runs them once with the fixtures absent.</summary>
    public const string NeedsFixtures = "shared-fixtures";

    /// <summary>
    /// The path of a shared fixture file, or a skip (with what is missing and how to get it) when it is absent: a user's
    /// clone has no ../shared, and README's test command must pass there. The only way tests reach the fixtures.
    /// </summary>
    public static string Fixture(params string[] parts)
    {
        Skip.IfNot(FixtureExists(parts), $"The shared fixture {string.Join('/', parts)} is absent (looked in {FixturesRoot}); this parity check is skipped. " +
            "README ('Fixture-backed tests') says how to get the fixtures; INTERP_FIXTURES points the tests at another folder.");
        return Path.Combine([FixturesRoot, .. parts]);
    }

    /// <summary>Whether a shared fixture file is there (for test discovery, which cannot skip).</summary>
    public static bool FixtureExists(params string[] parts) => File.Exists(Path.Combine([FixturesRoot, .. parts]));

    public static string NuGetRoot => Interp.Runtime.InterpPaths.NuGetRoot();

    public static string TorchSharpNative => Path.Combine(NuGetRoot, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    public static string Temp(string name)
    {
        var dir = Path.Combine(Path.GetTempPath(), "interp-tests", name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
