using System.Text.Json.Nodes;
using Interp.Curriculum;

namespace Interp.Tests.Notebooks;

/// <summary>
/// Every exercise's solution, as written in the notebook's folded "Solution" block, passes the exercise's own check in a
/// real kernel: the runner executes the solution versions (the fixture's run), so the solution text and the check cannot
/// drift apart. The learner versions, with their stubs, run in the stock Jupyter kernel in CI (.ci/run).
/// </summary>
[Collection("notebooks")]
public class ExerciseSolutionTests(NotebookRunFixture run)
{
    [Fact]
    public void Every_solution_in_the_notebooks_passes_its_check_in_a_real_kernel()
    {
        int checkedExercises = 0;
        var failures = new List<string>();
        foreach (var master in Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(master);
            var exercises = NotebookVersions.Exercises(NotebookDocument.Load(master), name);
            var executed = Path.Combine(run.OutDir, name);
            Assert.True(File.Exists(executed), $"the runner wrote no {name} (exit code {run.ExitCode}):\n{run.Log}");
            var cells = JsonNode.Parse(File.ReadAllText(executed))!["cells"]!.AsArray();
            foreach (var e in exercises)
            {
                // The text of every output (its JSON form escapes the verdict's emoji).
                var outputs = string.Concat(cells[e.Cell]!["outputs"]!.AsArray().SelectMany(o => o!["data"] is JsonObject data
                    ? data.Select(d => d.Value is JsonArray lines ? string.Concat(lines.Select(l => l!.GetValue<string>())) : d.Value?.ToString() ?? "")
                    : [o!["text"]?.ToJsonString() ?? ""]));
                var verdict = outputs.Contains("✅ Passed") ? "passed" : outputs.Contains("❌ Not yet") ? "failed its check" : "showed no verdict";
                if (verdict != "passed") failures.Add($"{name} cell {e.Cell} ({e.CheckLine}): the folded solution {verdict}: {outputs[..Math.Min(600, outputs.Length)]}");
                checkedExercises++;
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(21, checkedExercises);
    }

    [Fact]
    public void The_solutions_are_read_from_the_folded_blocks_the_learner_sees()
    {
        var tour = Assert.Single(NotebookVersions.Exercises(NotebookDocument.Load(Path.Combine(TestPaths.RepoRoot, "notebooks", "00-setup-and-tour.ipynb")), "00"));
        Assert.Equal("StrongestChannelExercise.Check(model, StrongestChannel)", tour.CheckLine);
        Assert.Contains("int StrongestChannel(", tour.Solution);
        var exercises = NotebookVersions.Exercises(NotebookDocument.Load(Path.Combine(TestPaths.RepoRoot, "notebooks", "01-feature-visualization.ipynb")), "01");
        var jitter = exercises.Single(e => e.CheckLine.StartsWith("JitterExercise", StringComparison.Ordinal));
        Assert.Contains("Tensor MyJitter(Tensor image, int d, int dy, int dx)", jitter.Solution);
        Assert.Equal(["using Interp.Exercises.FeatureVisualization;"], jitter.Usings);
        Assert.Equal(["JitterExercise.Check(MyJitter)", "FourierExercise.Check(MyFourier)", "DiversityExercise.Check(MyDiversity)"], exercises.Select(e => e.CheckLine));
    }
}
