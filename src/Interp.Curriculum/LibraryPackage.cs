using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Interp.Curriculum;

/// <summary>
/// Packs the library (<c>Interp.Notebooks.Core</c>) and its notebook adapter (<c>Interp.Notebooks</c>) into the local
/// feed <c>artifacts/feed</c> and installs them into the NuGet global packages folder, where every notebook's
/// <c>#r "nuget: Interp.Notebooks, &lt;version&gt;"</c> finds them, in the stock kernel and in this runner alike.
/// </summary>
/// <remarks>
/// Why installed rather than referenced with <c>#i "nuget: ../artifacts/feed"</c>: .NET Interactive takes no relative
/// paths in <c>#i</c> (dotnet/interactive#3110), and an absolute one would differ on every machine. An exact version
/// already in the global packages folder restores without asking any source. The folder keeps the first copy of a
/// version it sees, so the stale copy is removed before each install: rebuilding after a library change is this one step.
/// </remarks>
public static partial class LibraryPackage
{
    /// <summary>The package notebooks reference.</summary>
    public const string Id = "Interp.Notebooks";

    /// <summary>The library alone, a dependency of <see cref="Id"/>.</summary>
    public const string CoreId = "Interp.Notebooks.Core";

    /// <summary>The course's exercise checks, a dependency of <see cref="Id"/> (the course depends on the library, never the reverse).</summary>
    public const string ExercisesId = "Interp.Notebooks.Exercises";

    /// <summary>The local feed, relative to the repository root.</summary>
    public const string FeedFolder = "artifacts/feed";

    /// <summary>The repository root above <paramref name="path"/> (the folder holding Interp.Notebooks.sln), if any.</summary>
    public static string? FindRepoRoot(string path)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(path)); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Interp.Notebooks.sln"))) return dir.FullName;
        return null;
    }

    [GeneratedRegex(@"<Version>([^<]+)</Version>")]
    private static partial Regex VersionElement();

    /// <summary>The package version: the one <c>&lt;Version&gt;</c> in <c>Directory.Build.props</c>.</summary>
    public static string Version(string repoRoot)
    {
        var props = Path.Combine(repoRoot, "Directory.Build.props");
        var match = VersionElement().Match(File.ReadAllText(props));
        return match.Success ? match.Groups[1].Value.Trim() : throw new InvalidDataException($"{props} has no <Version>.");
    }

    /// <summary>The NuGet global packages folder (<c>NUGET_PACKAGES</c>, else <c>~/.nuget/packages</c>).</summary>
    public static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } custom
            ? custom
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    /// <summary>Packs the three packages into the feed and installs them; returns 0 or the failing step's exit code.</summary>
    public static int PackAndInstall(string repoRoot, TextWriter log)
    {
        var version = Version(repoRoot);
        var feed = Path.Combine(repoRoot, FeedFolder);
        log.WriteLine($"Packing {Id} {version} into {feed} and installing it for the notebooks …");
        foreach (var project in new[] { "src/Interp/Interp.csproj", "src/Interp.Exercises/Interp.Exercises.csproj", "src/Interp.Interactive/Interp.Interactive.csproj" })
        {
            var code = Dotnet(repoRoot, log, "pack", Path.Combine(repoRoot, project), "-c", "Release", "-o", feed, "--nologo", "-v", "q", "-clp:ErrorsOnly");
            if (code != 0) return code;
        }
        foreach (var id in new[] { Id, CoreId, ExercisesId })
        {
            var installed = Path.Combine(GlobalPackagesFolder(), id.ToLowerInvariant(), version);
            if (Directory.Exists(installed)) Directory.Delete(installed, recursive: true);
        }
        int stale = ForgetKernelResolutions(KernelResolutionCache());
        if (stale > 0) log.WriteLine($"Dropped {stale} cached kernel resolution(s) of {Id}, so kernels resolve the new package's assemblies.");
        // A throw-away project that references the package restores it (and its dependencies) into the global folder.
        var warm = Directory.CreateTempSubdirectory("interp-notebooks-install-");
        try
        {
            File.WriteAllText(Path.Combine(warm.FullName, "Install.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup><TargetFramework>net10.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
                  <ItemGroup><PackageReference Include="{Id}" Version="[{version}]" /></ItemGroup>
                </Project>
                """);
            return Dotnet(warm.FullName, log, "restore", "--nologo", "-v", "q", $"-p:RestoreAdditionalProjectSources={feed}");
        }
        finally
        {
            warm.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Where .NET Interactive's package manager keeps its resolutions of <c>#r "nuget: …"</c> lines (<c>~/.packagemanagement/nuget/Cache</c>),
    /// keyed by the line's text: a package rebuilt at the same version with another set of assemblies would otherwise load the old list.
    /// </summary>
    public static string KernelResolutionCache() =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".packagemanagement", "nuget", "Cache");

    /// <summary>Deletes the cached resolutions in <paramref name="cacheFolder"/> that mention this project's packages; returns how many.</summary>
    public static int ForgetKernelResolutions(string cacheFolder)
    {
        if (!Directory.Exists(cacheFolder)) return 0;
        var ours = new[] { Id, CoreId, ExercisesId }.Select(id => id.ToLowerInvariant()).ToList();
        var stale = Directory.EnumerateFiles(cacheFolder)
            .Where(f => File.ReadAllText(f).ToLowerInvariant() is var text && ours.Any(id => text.Contains(id, StringComparison.Ordinal)))
            .Select(f => Path.Combine(cacheFolder, Path.GetFileName(f).Split('.')[0]))
            .Distinct().ToList();
        foreach (var key in stale)
            foreach (var file in Directory.EnumerateFiles(cacheFolder, Path.GetFileName(key) + ".*")) File.Delete(file);
        return stale.Count;
    }

    static int Dotnet(string workingDirectory, TextWriter log, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet", args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start 'dotnet'.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0) log.WriteLine($"dotnet {string.Join(' ', args)} failed (exit code {process.ExitCode}):\n{stdout.Result}{stderr.Result}");
        return process.ExitCode;
    }
}
