using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace Interp.Tests.Notebooks;

/// <summary>
/// Packs and installs the library's notebook package, then runs every notebook once through the runner
/// in one process, exactly as README's main command does (in quick mode), and keeps the result for the
/// per-notebook tests.
/// </summary>
public sealed class NotebookRunFixture
{
    readonly Lazy<(string OutDir, int ExitCode, string Log, JsonDocument? Summary)> _run = new(Run);

    /// <summary>Packs the library and runs every notebook in quick mode, once, when a test first asks (a skipped test does not).</summary>
    static (string, int, string, JsonDocument?) Run()
    {
        var runner = Runner;
        // README's documented step: pack the library and install the package the set-up cells reference.
        var (code, output) = NotebookTests.Dotnet([runner, "pack"], TimeSpan.FromMinutes(10));
        if (code != 0) throw new InvalidOperationException("Packing the notebook library failed:\n" + output);
        var outDir = TestPaths.Temp("notebooks");
        // Quick mode: the notebooks run the same code with fewer optimization steps.
        var (exitCode, log) = NotebookTests.Dotnet([runner, Path.Combine(TestPaths.RepoRoot, "notebooks"), "--out", outDir, "--no-pack"], TimeSpan.FromMinutes(40),
            new Dictionary<string, string?> { ["INTERP_QUICK"] = "1" });
        var summary = Path.Combine(outDir, "summary.json");
        return (outDir, exitCode, log, File.Exists(summary) ? JsonDocument.Parse(File.ReadAllText(summary)) : null);
    }

    /// <summary>The built runner (the test project references it).</summary>
    public static string Runner
    {
        get
        {
            var config = typeof(NotebookTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            var runner = Path.Combine(TestPaths.RepoRoot, "src", "Interp.Runner", "bin", config, "net10.0", "Interp.Runner.dll");
            return File.Exists(runner) ? runner : throw new FileNotFoundException($"The runner should be built at {runner} (the test project references it).");
        }
    }

    public string OutDir => _run.Value.OutDir;
    public int ExitCode => _run.Value.ExitCode;
    public string Log => _run.Value.Log;
    public JsonDocument? Summary => _run.Value.Summary;
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

    public static TheoryData<string> KeyResults()
    {
        var data = new TheoryData<string>();
        foreach (var r in NotebookKeyResult.All) data.Add($"{r.Notebook}: {r.What}");
        return data;
    }

    [Theory]
    [MemberData(nameof(KeyResults))]
    public void Each_key_result_a_notebook_relies_on_is_printed_and_in_range(string key)
    {
        var result = NotebookKeyResult.All.Single(r => $"{r.Notebook}: {r.What}" == key);
        var page = Path.Combine(run.OutDir, result.Notebook + ".ipynb");
        Assert.True(File.Exists(page), $"{result.Notebook} was not executed (exit code {run.ExitCode}).");
        var printed = NotebookKeyResult.Printed(page);
        var numbers = result.Capture(printed);
        Assert.True(numbers is not null, $"{result.Notebook} no longer prints what '{result.What}' rests on (pattern {result.Pattern}).");
        output.WriteLine($"{key}: {string.Join(", ", numbers!)}");
        Assert.True(result.Holds(numbers!), $"{key}: the run printed {string.Join(", ", numbers!)}, which does not hold.");
    }

    [Fact]
    public void Key_result_checks_reject_a_contrary_run()
    {
        // The checks can fail: fed the printed text of a run where the results went the other way, each says so.
        var strongest = NotebookKeyResult.All.Single(r => r.What.StartsWith("ablating the strongest", StringComparison.Ordinal));
        Assert.False(strongest.Holds(strongest.Capture("ablating the 5 strongest channels: 3.0 %\nrelative change of the output, ablating 5 random channels:      7.8 %")!));
        var zeroShot = NotebookKeyResult.All.Single(r => r.What.StartsWith("zero-shot accuracy", StringComparison.Ordinal));
        Assert.False(zeroShot.Holds(zeroShot.Capture("on 60 held-out drawings (\"a\", …): 5.0%; on 60 held-out word pictures (\"b\", …): 90.0%. Chance is 8.3%")!));
        var recorded = NotebookKeyResult.All.Single(r => r.What.StartsWith("the shipped toy CLIP", StringComparison.Ordinal));
        Assert.Null(recorded.Capture("Re-running the first 2 steps here: 1 (recorded 2) — NOT within 1e-4 (largest relative difference 1E-003)"));
    }

    [Fact]
    public void The_runner_exits_with_success_when_every_notebook_ran()
    {
        Assert.True(run.ExitCode == 0, $"exit code {run.ExitCode}:\n{run.Log}");
        Assert.True(File.Exists(Path.Combine(run.OutDir, "index.html")));
    }

    [Fact]
    public void Every_notebook_starts_with_the_shared_setup_cell_and_references_the_package_at_the_built_version()
    {
        var version = Interp.Curriculum.LibraryPackage.Version(TestPaths.RepoRoot);
        foreach (var file in Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "notebooks"), "*.ipynb"))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            var cells = doc.RootElement.GetProperty("cells").EnumerateArray().ToList();
            Assert.Equal("markdown", cells[0].GetProperty("cell_type").GetString());
            var setup = string.Concat(cells.First(c => c.GetProperty("cell_type").GetString() == "code").GetProperty("source").EnumerateArray().Select(l => l.GetString()));
            Assert.Contains("Interp.Interactive.NotebookSetup.Run()", setup);
            // One package reference, at the version Directory.Build.props packs; its dependencies restore transitively.
            var references = setup.Split('\n').Where(l => l.StartsWith("#r ", StringComparison.Ordinal) || l.StartsWith("#i ", StringComparison.Ordinal)).ToList();
            Assert.Equal([$"#r \"nuget: {Interp.Curriculum.LibraryPackage.Id}, {version}\""], references);
            foreach (var cell in cells.Where(c => c.GetProperty("cell_type").GetString() == "code"))
                Assert.Empty(cell.GetProperty("outputs").EnumerateArray()); // notebooks are committed without outputs
        }
    }

    [Fact]
    public void The_package_carries_the_kernel_extension_that_registers_the_formatters()
    {
        var version = Interp.Curriculum.LibraryPackage.Version(TestPaths.RepoRoot);
        var installed = Path.Combine(Interp.Curriculum.LibraryPackage.GlobalPackagesFolder(), "interp.notebooks", version);
        Assert.True(run.ExitCode == 0 || Directory.Exists(installed), "the package was not installed");
        var script = File.ReadAllText(Path.Combine(installed, "interactive-extensions", "dotnet", "extension.dib"));
        Assert.Contains("Interp.Interactive.NotebookSetup.Load()", Interp.Curriculum.KernelExtensionScript.Code(Path.Combine(installed, "interactive-extensions", "dotnet",
            "extension.dib")));
        Assert.StartsWith("#!meta", script);
        // The runner showed the extension loading in every notebook's set-up cell, as the stock kernel does.
        foreach (var page in Directory.GetFiles(run.OutDir, "*.ipynb"))
            Assert.Contains("Loading extension script from", File.ReadAllText(page));
    }

    /// <summary>Runs <c>dotnet</c> with <paramref name="args"/>; <paramref name="environment"/> sets variables (a null value removes one).</summary>
    internal static (int Code, string Output) Dotnet(IReadOnlyList<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet", args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = TestPaths.RepoRoot };
        foreach (var (k, v) in environment ?? new Dictionary<string, string?>())
            if (v is null) psi.Environment.Remove(k);
            else psi.Environment[k] = v;
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
