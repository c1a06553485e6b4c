using System.Diagnostics;

namespace Interp.Runner;

/// <summary>
/// Builds the library and its notebook adapter into <c>artifacts/lib</c>, the folder every notebook's
/// set-up cell references, so that a fresh clone runs with one command.
/// </summary>
public static class LibraryBuild
{
    /// <summary>The folder, relative to the repository root, that notebooks load the library from.</summary>
    public const string LibFolder = "artifacts/lib";

    /// <summary>The repository root above <paramref name="path"/> (the folder holding Interp.Notebooks.sln), if any.</summary>
    public static string? FindRepoRoot(string path)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(path)); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Interp.Notebooks.sln"))) return dir.FullName;
        return null;
    }

    /// <summary>Runs <c>dotnet build</c> of the notebook adapter into <see cref="LibFolder"/>; returns the exit code.</summary>
    public static int Run(string repoRoot, TextWriter log)
    {
        var project = Path.Combine(repoRoot, "src", "Interp.Interactive", "Interp.Interactive.csproj");
        var output = Path.Combine(repoRoot, LibFolder);
        log.WriteLine($"Building the library into {output} …");
        var psi = new ProcessStartInfo("dotnet", ["build", project, "-c", "Release", "-o", output, "--nologo", "-v", "q", "-clp:ErrorsOnly"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = repoRoot,
        };
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start 'dotnet'.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0) log.WriteLine(stdout.Result + stderr.Result);
        return process.ExitCode;
    }
}
