using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Interp.Tests.Notebooks;

/// <summary>What the learners' stock kernel objects to, found without running it.</summary>
public partial class NotebookCodeTests
{
    // A reference type annotated as nullable where something is declared: `Tensor? t;`, `(Foo? foo,`, `Bar<int>? Baz)`.
    [GeneratedRegex(@"\b[A-Z][A-Za-z0-9_]*(<[^<>]*>)?\?\s+[A-Za-z_][A-Za-z0-9_]*\s*[,)=;]")]
    private static partial Regex NullableDeclaration();

    /// <summary>The problems found in one notebook's code cells.</summary>
    internal static IEnumerable<string> NullableAnnotations(string name, JsonNode notebook) =>
        notebook["cells"]!.AsArray().Select((c, i) => (Cell: c!, Index: i)).Where(c => (string?)c.Cell["cell_type"] == "code")
            .SelectMany(c => NullableDeclaration().Matches(string.Concat(c.Cell["source"]!.AsArray().Select(l => (string?)l)))
                .Select(m => $"{name} cell {c.Index}: '{m.Value}'"));

    [Fact]
    public void No_code_cell_annotates_a_reference_type_as_nullable()
    {
        // The stock .NET Interactive kernel compiles cells without a nullable context and writes warning CS8632 to stderr for
        // every such annotation, which CI's Jupyter run counts as an error output.
        var problems = Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal)
            .SelectMany(f => NullableAnnotations(Path.GetFileName(f), JsonNode.Parse(File.ReadAllText(f))!)).ToList();
        Assert.True(problems.Count == 0, "Drop the '?' (the kernel has no nullable context): " + string.Join("; ", problems));
    }

    [Fact]
    public void The_check_finds_annotated_declarations_and_passes_value_types_and_operators()
    {
        var cell = new JsonObject
        {
            ["cells"] = new JsonArray(new JsonObject
            {
                ["cell_type"] = "code",
                ["source"] = new JsonArray("record R(SaeEvaluation? Quality, int? Count);\n", "Tensor? t = null; var x = a ? b : c; var y = d?.E;\n"),
            }),
        };
        Assert.Equal(["n cell 0: 'SaeEvaluation? Quality,'", "n cell 0: 'Tensor? t ='"], NullableAnnotations("n", cell));
    }
}
