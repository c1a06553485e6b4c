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

    // TorchSharp's tensor(array) and as_tensor(array), outside // comments.
    [GeneratedRegex(@"(?<![\w.])(as_)?tensor\(")]
    private static partial Regex ArrayTensor();

    /// <summary>Code cells that build a tensor from an array with <c>tensor(…)</c> or <c>as_tensor(…)</c>.</summary>
    internal static IEnumerable<string> ArrayTensors(string name, JsonNode notebook) =>
        notebook["cells"]!.AsArray().Select((c, i) => (Cell: c!, Index: i)).Where(c => (string?)c.Cell["cell_type"] == "code")
            .SelectMany(c => c.Cell["source"]!.AsArray().Select(l => (string?)l ?? "").SelectMany(l => l.Split('\n'))
                .Select(l => l.IndexOf("//", StringComparison.Ordinal) is var k and >= 0 ? l[..k] : l)
                .Where(l => ArrayTensor().IsMatch(l)).Select(l => $"{name} cell {c.Index}: '{l.Trim()}'"));

    [Fact]
    public void No_code_cell_builds_a_tensor_with_tensor_of_an_array()
    {
        // The stock kernel resolves tensor(…)'s overloads against System.Runtime.Numerics 8.0 and writes warning CS1701 to stderr,
        // which CI's Jupyter run counts as an error output (it failed notebook 06 once). full(…), zeros(…) and element assignment do not.
        var problems = Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "notebooks"), "*.ipynb").Order(StringComparer.Ordinal)
            .SelectMany(f => ArrayTensors(Path.GetFileName(f), JsonNode.Parse(File.ReadAllText(f))!)).ToList();
        Assert.True(problems.Count == 0, "Build the tensor another way (e.g. cat of full(1, value, dtype: int64)): " + string.Join("; ", problems));
        var cell = new JsonObject
        {
            ["cells"] = new JsonArray(new JsonObject
            {
                ["cell_type"] = "code",
                ["source"] = new JsonArray("var a = tensor(new long[] { 1 });\n", "// Useful: tensor(float[], shape)\n", "var b = x.as_tensor(); var c = as_tensor(y);\n"),
            }),
        };
        Assert.Equal(["n cell 0: 'var a = tensor(new long[] { 1 });'", "n cell 0: 'var b = x.as_tensor(); var c = as_tensor(y);'"], ArrayTensors("n", cell));
    }
}
