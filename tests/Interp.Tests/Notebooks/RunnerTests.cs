using System.Reflection;
using System.Text.Json;

namespace Interp.Tests.Notebooks;

public class RunnerTests
{
    static string Runner()
    {
        var config = typeof(RunnerTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        return Path.Combine(TestPaths.RepoRoot, "src", "Interp.Runner", "bin", config, "net10.0", "Interp.Runner.dll");
    }

    static string Notebook(string dir, params string[] codeCells) => Tagged(dir, codeCells.Select(c => (c, Array.Empty<string>())).ToArray());

    static string Tagged(string dir, params (string Code, string[] Tags)[] codeCells)
    {
        var cells = new List<object> { new { cell_type = "markdown", id = "m0", metadata = new { }, source = new[] { "# A test notebook" } } };
        cells.AddRange(codeCells.Select((c, i) => (object)new
        {
            cell_type = "code", id = $"c{i}", execution_count = (int?)null, outputs = Array.Empty<object>(), source = new[] { c.Code },
            metadata = new { dotnet_interactive = new { language = "csharp" }, tags = c.Tags },
        }));
        var nb = new
        {
            cells, nbformat = 4, nbformat_minor = 5,
            metadata = new { kernelspec = new { display_name = ".NET (C#)", language = "C#", name = ".net-csharp" }, language_info = new { name = "C#" } },
        };
        var path = Path.Combine(dir, "failing.ipynb");
        File.WriteAllText(path, JsonSerializer.Serialize(nb));
        return path;
    }

    [Fact]
    public void A_failing_cell_names_the_notebook_the_cell_and_the_error_and_fails_the_run()
    {
        var dir = TestPaths.Temp("runner");
        var nb = Notebook(dir, "var x = 40 + 2;\nConsole.WriteLine(x);", "throw new InvalidOperationException(\"boom in cell three\");", "Console.WriteLine(\"never runs\");");
        var (code, log) = NotebookTests.Dotnet([Runner(), nb, "--out", Path.Combine(dir, "out"), "--no-pack"], TimeSpan.FromMinutes(5));
        Assert.Equal(1, code);
        Assert.Contains("FAILED failing.ipynb, cell 3", log);
        Assert.Contains("boom in cell three", log);
        var executed = File.ReadAllText(Path.Combine(dir, "out", "failing.ipynb"));
        Assert.Contains("42", executed);
        Assert.DoesNotContain("never runs\\n", executed);
    }

    [Fact]
    public void Slow_cells_are_skipped_only_under_skip_slow_and_every_skip_shows_on_the_page()
    {
        var dir = TestPaths.Temp("runner-tags");
        var nb = Tagged(dir,
            ("var x = 1;", []),
            ("Console.WriteLine(\"the slow cell ran\");", ["slow"]),
            ("Console.WriteLine(\"Skipped: the weights are not on this machine.\");", ["needs-download"]),
            ("Console.WriteLine(x + 1);", []));
        var (code, log) = NotebookTests.Dotnet([Runner(), nb, "--out", Path.Combine(dir, "quick"), "--no-pack", "--skip-slow"], TimeSpan.FromMinutes(5));
        Assert.True(code == 0, log);
        var quick = File.ReadAllText(Path.Combine(dir, "quick", "failing.ipynb"));
        Assert.DoesNotContain("the slow cell ran\\n", quick);
        Assert.Contains("tagged 'slow' and skipped by --skip-slow", quick);
        var page = File.ReadAllText(Path.Combine(dir, "quick", "failing.html"));
        Assert.Contains("<a href=\"#cell-3\">Cell 3</a> skipped: tagged &#39;slow&#39;", page);
        Assert.Contains("<a href=\"#cell-4\">Cell 4</a> skipped: the weights are not on this machine.", page);
        Assert.Contains("id=\"cell-3\"", page);   // the link's target: the cell itself
        Assert.Contains("2 skipped", File.ReadAllText(Path.Combine(dir, "quick", "index.html")));

        (code, log) = NotebookTests.Dotnet([Runner(), nb, "--out", Path.Combine(dir, "full"), "--no-pack"], TimeSpan.FromMinutes(5));
        Assert.True(code == 0, log);
        Assert.Contains("the slow cell ran\\n", File.ReadAllText(Path.Combine(dir, "full", "failing.ipynb")));
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "full", "summary.json")));
        var skipped = summary.RootElement[0].GetProperty("Cells").EnumerateArray().Where(c => c.GetProperty("Skipped").ValueKind == JsonValueKind.String).Select(c
            => c.GetProperty("Index").GetInt32());
        Assert.Equal([4], skipped); // the download is still absent; the slow cell ran
    }

    [Fact]
    public void A_mistagged_exercise_stops_the_runner_before_anything_runs()
    {
        var dir = TestPaths.Temp("runner-mistagged");
        var nb = Notebook(dir, "int Answer() => 42;\nTourExercise.Check(Answer)");
        var (code, log) = NotebookTests.Dotnet([Runner(), nb, "--out", Path.Combine(dir, "out"), "--no-pack"], TimeSpan.FromMinutes(2));
        Assert.Equal(1, code);
        Assert.Contains("ends with an exercise check but is not tagged 'exercise'", log);
        Assert.False(File.Exists(Path.Combine(dir, "out", "failing.ipynb")));
    }

    [Fact]
    public void A_timed_out_cell_is_cancelled_and_stops_computing_before_the_next_notebook_starts()
    {
        var dir = TestPaths.Temp("runner-timeout");
        var notebooks = Path.Combine(dir, "notebooks");
        Directory.CreateDirectory(notebooks);
        var ticks = Path.Combine(dir, "ticks.txt");
        // Observes the kernel's cancellation token.
        File.Move(Notebook(notebooks, "await Task.Delay(TimeSpan.FromMinutes(10), Microsoft.DotNet.Interactive.KernelInvocationContext.Current.CancellationToken);",
            "Console.WriteLine(1);"),
            Path.Combine(notebooks, "1-cancellable.ipynb"));
        // Ignores it, and leaves a trace every 20 ms for as long as it computes.
        File.Move(Notebook(notebooks, $"while (true) {{ System.IO.File.AppendAllText(@\"{ticks}\", \"x\"); System.Threading.Thread.Sleep(20); }}"), Path.Combine(notebooks,
            "2-stubborn.ipynb"));
        File.Move(Notebook(notebooks, $"var before = new System.IO.FileInfo(@\"{ticks}\").Length; System.Threading.Thread.Sleep(500);\n" +
                                      $"Console.WriteLine($\"the stubborn cell still computing: {{new System.IO.FileInfo(@\"{ticks}\").Length > before}}\");"),
            Path.Combine(notebooks, "3-after.ipynb"));
        var (code, log) = NotebookTests.Dotnet([Runner(), notebooks, "--out", Path.Combine(dir, "out"), "--no-pack", "--cell-timeout", "0.25"], TimeSpan.FromMinutes(4));
        Assert.Equal(1, code);
        Assert.Contains("FAILED 1-cancellable.ipynb, cell 2: the cell did not finish within 0.25 minutes; it was cancelled and its notebook's process ended", log);
        Assert.Contains("FAILED 2-stubborn.ipynb, cell 2: the cell did not finish within 0.25 minutes", log);
        Assert.True(new FileInfo(ticks).Length > 10, "the stubborn cell should have run for a while");
        var after = File.ReadAllText(Path.Combine(dir, "out", "3-after.ipynb"));
        Assert.Contains("the stubborn cell still computing: False", after);
        Assert.Contains("1 ok, 2 failed", log);
        Assert.Contains("did not finish within", File.ReadAllText(Path.Combine(dir, "out", "2-stubborn.html")));
    }

    [Fact]
    public void The_learner_build_writes_exactly_what_each_master_produces()
    {
        var dir = TestPaths.Temp("runner-learner");
        var notebooks = Path.Combine(TestPaths.RepoRoot, "notebooks");
        var (code, log) = NotebookTests.Dotnet([Runner(), notebooks, "--out", dir, "--learner"], TimeSpan.FromMinutes(2));
        Assert.True(code == 0, log);
        var masters = Directory.GetFiles(notebooks, "*.ipynb").Order(StringComparer.Ordinal).ToList();
        Assert.Equal(masters.Select(Path.GetFileName), Directory.GetFiles(dir, "*.ipynb").Order(StringComparer.Ordinal).Select(Path.GetFileName));
        foreach (var master in masters)
            Assert.Equal(Interp.Curriculum.NotebookVersions.Learner(Interp.Curriculum.NotebookDocument.Load(master)).ToJson(), File.ReadAllText(Path.Combine(dir,
                Path.GetFileName(master))));
        Assert.True(File.Exists(Path.Combine(dir, "syllabus.json")));
    }

    [Fact]
    public void Bad_arguments_print_the_usage()
    {
        var (code, log) = NotebookTests.Dotnet([Runner(), "no-such-folder", "--out", TestPaths.Temp("runner-args")], TimeSpan.FromMinutes(2));
        Assert.Equal(2, code);
        Assert.Contains("neither a folder nor an .ipynb file", log);
    }
}
