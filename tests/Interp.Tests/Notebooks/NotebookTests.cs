using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace Interp.Tests.Notebooks;

/// <summary>
/// Builds the library into artifacts/lib, then runs every notebook once through the runner in one
/// process, exactly as README's main command does (in quick mode), and keeps the result for the
/// per-notebook tests.
/// </summary>
public sealed class NotebookRunFixture
{
    public NotebookRunFixture()
    {
        var (code, output) = NotebookTests.Dotnet(["build", Path.Combine(TestPaths.RepoRoot, "src", "Interp.Interactive", "Interp.Interactive.csproj"),
            "-c", "Release", "-o", Path.Combine(TestPaths.RepoRoot, "artifacts", "lib"), "--nologo", "-v", "q"], TimeSpan.FromMinutes(10));
        if (code != 0) throw new InvalidOperationException("Building the notebook library failed:\n" + output);

        var config = typeof(NotebookTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var runner = Path.Combine(TestPaths.RepoRoot, "src", "Interp.Runner", "bin", config, "net10.0", "Interp.Runner.dll");
        if (!File.Exists(runner)) throw new FileNotFoundException($"The runner should be built at {runner} (the test project references it).");
        OutDir = TestPaths.Temp("notebooks");
        // Quick mode: the notebooks run the same code with fewer optimization steps.
        (ExitCode, Log) = NotebookTests.Dotnet([runner, Path.Combine(TestPaths.RepoRoot, "notebooks"), "--out", OutDir, "--no-build-lib"], TimeSpan.FromMinutes(40),
            new Dictionary<string, string> { ["INTERP_QUICK"] = "1" });
        var summary = Path.Combine(OutDir, "summary.json");
        Summary = File.Exists(summary) ? JsonDocument.Parse(File.ReadAllText(summary)) : null;
    }

    public string OutDir { get; }
    public int ExitCode { get; }
    public string Log { get; }
    public JsonDocument? Summary { get; }
}

[CollectionDefinition("notebooks")]
public class NotebookCollection : ICollectionFixture<NotebookRunFixture>;

[Collection("notebooks")]
public class NotebookTests(NotebookRunFixture run, ITestOutputHelper output)
{
    public static TheoryData<string> Notebooks()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Executes_headless_without_any_error_output(string notebook)
    {
        var name = Path.GetFileNameWithoutExtension(notebook);
        output.WriteLine(string.Join("\n", run.Log.Split('\n').Where(l => l.Contains($"[{name}]") || l.Contains(name))));
        Assert.True(run.Summary is not null, $"The runner wrote no summary (exit code {run.ExitCode}):\n{run.Log}");
        var result = run.Summary!.RootElement.EnumerateArray().SingleOrDefault(r => r.GetProperty("Name").GetString() == name);
        Assert.True(result.ValueKind == JsonValueKind.Object, $"{notebook} is missing from the runner's summary.");
        var failed = result.GetProperty("Cells").EnumerateArray().Where(c => !c.GetProperty("Succeeded").GetBoolean())
            .Select(c => $"cell {c.GetProperty("Index").GetInt32()}: {c.GetProperty("Error").GetString()}").ToList();
        Assert.True(result.GetProperty("Succeeded").GetBoolean(), $"{notebook} failed: {string.Join("; ", failed)}");
        Assert.Equal(0, result.GetProperty("ErrorOutputs").GetInt32());
        var html = File.ReadAllText(Path.Combine(run.OutDir, name + ".html"));
        Assert.Contains("<script src=\"plotly.min.js\"></script>", html);
        Assert.True(new FileInfo(Path.Combine(run.OutDir, "plotly.min.js")).Length > 1_000_000, "plotly.js should be bundled beside the pages");
    }

    [Fact]
    public void The_runner_exits_with_success_when_every_notebook_ran()
    {
        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{run.Log}");
        Assert.True(File.Exists(Path.Combine(run.OutDir, "index.html")));
    }

    [Fact]
    public void Every_notebook_starts_with_the_shared_setup_cell_and_pins_the_central_package_versions()
    {
        var props = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "Directory.Packages.props"));
        foreach (var file in Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "notebooks"), "*.ipynb"))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var cells = doc.RootElement.GetProperty("cells").EnumerateArray().ToList();
            Assert.Equal("markdown", cells[0].GetProperty("cell_type").GetString());
            var setup = string.Concat(cells.First(c => c.GetProperty("cell_type").GetString() == "code").GetProperty("source").EnumerateArray().Select(l => l.GetString()));
            Assert.Contains("Interp.Interactive.NotebookSetup.Run()", setup);
            foreach (var line in setup.Split('\n').Where(l => l.StartsWith("#r \"nuget:", StringComparison.Ordinal)))
            {
                var parts = line["#r \"nuget:".Length..].Trim().TrimEnd('"').Split(',', StringSplitOptions.TrimEntries);
                Assert.Contains($"<PackageVersion Include=\"{parts[0]}\" Version=\"{parts[1]}\" />", props);
            }
            foreach (var cell in cells.Where(c => c.GetProperty("cell_type").GetString() == "code"))
                Assert.Empty(cell.GetProperty("outputs").EnumerateArray()); // notebooks are committed without outputs
        }
    }

    internal static (int Code, string Output) Dotnet(IReadOnlyList<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet", args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestPaths.RepoRoot };
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            return (-1, $"timed out after {timeout}\n{stdout.Result}{stderr.Result}");
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
