using Interp.Curriculum;

namespace Interp.Tests.Notebooks;

public class SyllabusTests
{
    static string NotebooksFolder => Path.Combine(TestPaths.RepoRoot, "notebooks");

    [Fact]
    public void The_syllabus_and_each_notebooks_first_cell_agree()
    {
        var syllabus = Syllabus.Load(NotebooksFolder);
        Assert.Empty(syllabus.Disagreements(NotebooksFolder));
        Assert.Equal(["00", "01", "02", "03", "04", "05", "06", "07"], syllabus.Notebooks.Select(e => e.Number));
    }

    [Fact]
    public void README_shows_the_table_generated_from_the_syllabus()
    {
        var syllabus = Syllabus.Load(NotebooksFolder);
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));
        Assert.True(readme == syllabus.WithReadmeTable(readme),
            "README's table of notebooks is out of date: run `dotnet run --project src/Interp.Runner -- readme`.");
        Assert.Contains("| 03 | [Curve circuits", readme);
    }

    [Fact]
    public void A_notebook_whose_first_cell_says_otherwise_is_reported()
    {
        var dir = TestPaths.Temp("syllabus");
        foreach (var f in Directory.GetFiles(NotebooksFolder)) File.Copy(f, Path.Combine(dir, Path.GetFileName(f)), overwrite: true);
        var tour = Path.Combine(dir, "00-setup-and-tour.ipynb");
        File.WriteAllText(tour, File.ReadAllText(tour).Replace("**Time:** about 20 minutes", "**Time:** about 25 minutes").Replace("read and *edit* activations",
            "read activations"));
        File.Copy(Path.Combine(dir, "04-multimodal-neurons.ipynb"), Path.Combine(dir, "05-extra.ipynb"));
        var problems = Syllabus.Load(dir).Disagreements(dir);
        Assert.Contains(problems, p => p.Contains("00-setup-and-tour.ipynb: the first cell should say '**Time:** about 20 minutes'"));
        Assert.Contains(problems, p => p.Contains("00-setup-and-tour.ipynb: the first cell's objectives") && p.Contains("read activations"));
        Assert.Contains(problems, p => p == "05-extra.ipynb is not in syllabus.json.");
    }

    [Fact]
    public void An_unknown_prerequisite_names_the_valid_ones()
    {
        var dir = TestPaths.Temp("syllabus-bad");
        File.WriteAllText(Path.Combine(dir, "syllabus.json"), """
            {"notebooks":[{"number":"00","file":"a.ipynb","title":"A","minutes":5,"prerequisites":["07"],"openProblems":[],
              "status":"ready","summary":"A","objectives":[]}]}
            """);
        var e = Assert.Throws<InvalidDataException>(() => Syllabus.Load(dir));
        Assert.Contains("prerequisite '07', which is not a notebook; valid: 00", e.Message);
    }
}
