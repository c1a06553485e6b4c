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

    static string Notebook(string dir, params string[] codeCells)
    {
        var cells = new List<object> { new { cell_type = "markdown", id = "m0", metadata = new { }, source = new[] { "# A test notebook" } } };
        cells.AddRange(codeCells.Select((c, i) => (object)new
        {
            cell_type = "code", id = $"c{i}", execution_count = (int?)null, outputs = Array.Empty<object>(), source = new[] { c },
            metadata = new { dotnet_interactive = new { language = "csharp" } },
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
    public void Bad_arguments_print_the_usage()
    {
        var (code, log) = NotebookTests.Dotnet([Runner(), "no-such-folder", "--out", TestPaths.Temp("runner-args")], TimeSpan.FromMinutes(2));
        Assert.Equal(2, code);
        Assert.Contains("neither a folder nor an .ipynb file", log);
    }
}
