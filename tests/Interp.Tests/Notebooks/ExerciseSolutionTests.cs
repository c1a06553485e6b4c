using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Interp.Tests.Notebooks;

/// <summary>
/// Every exercise's solution, as written in the notebook's folded "Solution" block, run through the
/// exercise's own check in a real kernel: the solution text and the check cannot drift apart.
/// </summary>
[Collection("notebooks")]
public partial class ExerciseSolutionTests(NotebookRunFixture run, ITestOutputHelper output)
{
    /// <summary>
    /// One exercise: its check line (the cell's last line), its <c>using</c> lines, the solution's code, and the
    /// earlier code cells that declare what the check line uses besides the solution (e.g. <c>var model = …</c>).
    /// </summary>
    public sealed record Exercise(string Notebook, int Cell, string CheckLine, IReadOnlyList<string> Usings, string Solution, IReadOnlyList<int> Needs);

    [GeneratedRegex("<summary>Solution</summary>\\s*```csharp\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex SolutionBlock();

    static string Source(JsonNode cell) => string.Concat(cell["source"]!.AsArray().Select(l => l!.GetValue<string>()));

    /// <summary>Finds each code cell that calls an exercise check and the solution in the markdown after it.</summary>
    public static IReadOnlyList<Exercise> Exercises(string notebookPath)
    {
        var cells = JsonNode.Parse(File.ReadAllText(notebookPath))!["cells"]!.AsArray();
        var found = new List<Exercise>();
        for (int i = 0; i < cells.Count; i++)
        {
            if (cells[i]!["cell_type"]!.GetValue<string>() != "code") continue;
            var lines = Source(cells[i]!).TrimEnd().Split('\n');
            var check = lines[^1].Trim();
            if (!Regex.IsMatch(check, @"^\w+Exercise\.Check\(")) continue;
            var solutionCell = cells.Skip(i + 1).FirstOrDefault(c => c!["cell_type"]!.GetValue<string>() == "markdown" && SolutionBlock().IsMatch(Source(c!)))
                ?? throw new InvalidDataException($"{Path.GetFileName(notebookPath)} cell {i}: an exercise check without a Solution block after it.");
            var code = SolutionBlock().Match(Source(solutionCell)).Groups["code"].Value;
            // Names the check passes besides the learner's function, declared by an earlier cell.
            var names = Regex.Matches(check[(check.IndexOf('(') + 1)..], @"\b[A-Za-z_]\w*\b").Select(m => m.Value).Distinct()
                .Where(n => !Regex.IsMatch(code, $@"\b{n}\s*\(")).ToList();
            var needs = names.Select(n => Enumerable.Range(0, i).FirstOrDefault(k => cells[k]!["cell_type"]!.GetValue<string>() == "code" &&
                    Regex.IsMatch(Source(cells[k]!), $@"\bvar\s+{n}\s*="), -1))
                .Where(k => k >= 0).Distinct().Order().ToList();
            found.Add(new Exercise(Path.GetFileName(notebookPath), i, check, lines.Where(l => l.StartsWith("using ", StringComparison.Ordinal)).ToList(), code, needs));
        }
        return found;
    }

    [Fact]
    public void Every_solution_in_the_notebooks_passes_its_check_in_a_real_kernel()
    {
        Assert.True(run.ExitCode == 0 || run.Summary is not null, "the notebook package was not installed");
        var dir = TestPaths.Temp("solutions");
        var notebooks = Path.Combine(dir, "notebooks");
        Directory.CreateDirectory(notebooks);

        int total = 0, expectedCells = 0;
        foreach (var master in Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal))
        {
            var exercises = Exercises(master);
            if (exercises.Count == 0) continue;
            var doc = JsonNode.Parse(File.ReadAllText(master))!;
            var cells = doc["cells"]!.AsArray();
            var setup = cells.First(c => c!["cell_type"]!.GetValue<string>() == "code")!.DeepClone();
            var solutionCells = new JsonArray { setup };
            foreach (var k in exercises.SelectMany(e => e.Needs).Distinct().Order())
                solutionCells.Add(cells[k]!.DeepClone());
            foreach (var e in exercises)
            {
                // A failing check must fail the cell, so that the runner reports it.
                var text = string.Join("\n", e.Usings) + "\n" + e.Solution + "\n" +
                           $"var verdict = {e.CheckLine.TrimEnd(';')};\nif (!verdict.Passed) throw new Exception(verdict.ToString());\nverdict";
                var cell = setup.DeepClone();
                var lines = text.Split('\n');
                cell["source"] = new JsonArray(lines.Select((l, k) => (JsonNode?)JsonValue.Create(l + (k < lines.Length - 1 ? "\n" : ""))).ToArray());
                solutionCells.Add(cell);
                total++;
            }
            doc["cells"] = solutionCells;
            expectedCells += solutionCells.Count;
            File.WriteAllText(Path.Combine(notebooks, Path.GetFileName(master)), doc.ToJsonString());
        }
        Assert.True(total >= 7, $"expected the exercises of notebooks 00, 01 and 02, found {total}");

        var config = typeof(NotebookTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var runner = Path.Combine(TestPaths.RepoRoot, "src", "Interp.Runner", "bin", config, "net10.0", "Interp.Runner.dll");
        var outDir = Path.Combine(dir, "out");
        var (code, log) = NotebookTests.Dotnet([runner, notebooks, "--out", outDir, "--no-pack"], TimeSpan.FromMinutes(10));
        output.WriteLine(log);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "summary.json")));
        var failed = summary.RootElement.EnumerateArray()
            .SelectMany(nb => nb.GetProperty("Cells").EnumerateArray().Where(c => !c.GetProperty("Succeeded").GetBoolean())
                .Select(c => $"{nb.GetProperty("Name").GetString()} cell {c.GetProperty("Index").GetInt32()}: {c.GetProperty("Error").GetString()}")).ToList();
        Assert.True(failed.Count == 0, string.Join("\n", failed));
        Assert.Equal(0, code);
        Assert.Equal(expectedCells, summary.RootElement.EnumerateArray().Sum(nb => nb.GetProperty("Cells").GetArrayLength())); // every cell ran
    }

    [Fact]
    public void The_solutions_are_read_from_the_folded_blocks_the_learner_sees()
    {
        var tour = Assert.Single(Exercises(Path.Combine(TestPaths.RepoRoot, "notebooks", "00-setup-and-tour.ipynb")));
        Assert.Equal("StrongestChannelExercise.Check(model, StrongestChannel)", tour.CheckLine);
        Assert.Contains("int StrongestChannel(", tour.Solution);
        Assert.Single(tour.Needs); // the cell with `var model = ModelZoo.Load(…)`
        var exercises = Exercises(Path.Combine(TestPaths.RepoRoot, "notebooks", "01-feature-visualization.ipynb"));
        var jitter = exercises.Single(e => e.CheckLine.StartsWith("JitterExercise", StringComparison.Ordinal));
        Assert.Contains("Tensor MyJitter(Tensor image, int d, int dy, int dx)", jitter.Solution);
        Assert.Equal(["using Interp.Exercises.FeatureVis;"], jitter.Usings);
        Assert.Equal(["JitterExercise.Check(MyJitter)", "FourierExercise.Check(MyFourier)", "DiversityExercise.Check(MyDiversity)"], exercises.Select(e => e.CheckLine));
    }
}
