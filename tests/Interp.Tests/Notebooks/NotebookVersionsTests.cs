using Interp.Curriculum;

namespace Interp.Tests.Notebooks;

/// <summary>The learner and solution versions generated from the committed master notebooks, and their tags.</summary>
public class NotebookVersionsTests
{
    public static TheoryData<string> Masters()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal))
            data.Add(Path.GetFileName(f));
        return data;
    }

    static NotebookDocument Master(string name) => NotebookDocument.Load(Path.Combine(TestPaths.RepoRoot, "notebooks", name));

    [Theory]
    [MemberData(nameof(Masters))]
    public void The_masters_tags_are_right(string name) => Assert.Empty(NotebookVersions.TagProblems(Master(name), name));

    [Theory]
    [MemberData(nameof(Masters))]
    public void The_learner_version_is_the_master_without_outputs(string name)
    {
        var master = Master(name);
        var learner = NotebookVersions.Learner(master);
        Assert.Equal(master.Cells.Select(c => (c.Type, c.Source, string.Join(",", c.Tags))), learner.Cells.Select(c => (c.Type, c.Source, string.Join(",", c.Tags))));
        Assert.DoesNotContain("\"output_type\"", learner.ToJson());
    }

    [Theory]
    [MemberData(nameof(Masters))]
    public void A_master_without_outputs_is_its_own_learner_version_byte_for_byte(string name)
    {
        var path = Path.Combine(TestPaths.RepoRoot, "notebooks", name);
        Assert.Equal(File.ReadAllText(path), NotebookVersions.Learner(NotebookDocument.Load(path)).ToJson());
    }

    [Theory]
    [MemberData(nameof(Masters))]
    public void The_solution_version_differs_from_the_master_only_in_the_exercises(string name)
    {
        var master = Master(name);
        var exercises = NotebookVersions.Exercises(master, name);
        var solution = NotebookVersions.Solution(master, name);
        Assert.Equal(master.Cells.Count, solution.Cells.Count);
        var changed = exercises.SelectMany(e => new[] { e.Cell, e.SolutionCell }).ToHashSet();
        for (int i = 0; i < master.Cells.Count; i++)
            if (!changed.Contains(i)) Assert.Equal(master.Cells[i].Source, solution.Cells[i].Source);
        foreach (var e in exercises)
        {
            var solved = solution.Cells[e.Cell].Source;
            Assert.DoesNotContain("NotImplementedException", solved);      // the stub is gone
            Assert.EndsWith(e.CheckLine, solved.TrimEnd());                  // the same check
            Assert.Contains(e.Solution.Trim(), solved);                      // the folded solution, verbatim
            var notes = solution.Cells[e.SolutionCell].Source;
            Assert.Contains("<summary>Hint", notes);                         // hints stay
            Assert.DoesNotContain("<summary>Solution</summary>", notes);
            Assert.Contains(NotebookVersions.SolutionInPlace.Trim(), notes);
        }
    }

    [Fact]
    public void Every_notebook_after_the_tour_has_exercises_and_the_tour_has_its_first()
    {
        var counts = Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal)
            .Select(f => NotebookVersions.Exercises(NotebookDocument.Load(f), Path.GetFileName(f)).Count).ToList();
        Assert.Equal([1, 3, 3, 3, 2, 3, 3, 3], counts);
    }

    static NotebookDocument Build(params (string Type, string Source, string[] Tags)[] cells) => NotebookDocument.Parse(System.Text.Json.JsonSerializer.Serialize(new
    {
        cells = cells.Select(c => new { cell_type = c.Type, metadata = new { tags = c.Tags }, source = new[] { c.Source }, outputs = Array.Empty<object>() }),
        nbformat = 4, nbformat_minor = 5, metadata = new { },
    }));

    const string Folded = "<details><summary>Hint</summary>\n\nThink.\n</details>\n\n<details><summary>Solution</summary>\n\n```csharp\nint Answer() => 42;\n```\n</details>";

    [Fact]
    public void Wrong_tags_are_each_reported_with_the_cell()
    {
        var untagged = Build(("code", "int Answer() => 0;\nTourExercise.Check(Answer)", []), ("markdown", Folded, ["solution"]));
        Assert.Contains(NotebookVersions.TagProblems(untagged, "t"), p => p.Contains("cell 0: ends with an exercise check but is not tagged 'exercise'"));
        var noSolution = Build(("code", "int Answer() => 0;\nTourExercise.Check(Answer)", ["exercise"]), ("markdown", "Nothing folded.", []));
        Assert.Contains(NotebookVersions.TagProblems(noSolution, "t"), p => p.Contains("cell 0: an exercise with no 'solution' cell after it"));
        var noCheck = Build(("code", "var x = 1;", ["exercise"]));
        Assert.Contains(NotebookVersions.TagProblems(noCheck, "t"), p => p.Contains("its last line is not an exercise check"));
        var unknown = Build(("code", "var x = 1;", ["slwo"]));
        Assert.Contains(NotebookVersions.TagProblems(unknown, "t"), p => p.Contains("unknown tag 'slwo'; valid: exercise, solution, slow, needs-download"));
        Assert.Throws<InvalidDataException>(() => NotebookVersions.Solution(untagged, "t"));
    }

    [Fact]
    public void A_hand_built_exercise_gets_its_solution_in_place()
    {
        var master = Build(("code", "using System;\n\nint Answer()\n{\n    throw new NotImplementedException();\n}\n\nTourExercise.Check(Answer)", ["exercise"]), ("markdown",
            Folded, ["solution"]));
        var solution = NotebookVersions.Solution(master, "t");
        Assert.Equal("using System;\n\nint Answer() => 42;\n\nTourExercise.Check(Answer)", solution.Cells[0].Source);
        Assert.Equal("<details><summary>Hint</summary>\n\nThink.\n</details>\n\n" + NotebookVersions.SolutionInPlace, solution.Cells[1].Source);
    }
}
