using System.Text.RegularExpressions;
using Interp.Runtime;

namespace Interp.Tests.Runtime;

public partial class InterpEnvironmentTests
{
    [GeneratedRegex("\"(INTERP_[A-Z0-9_]+)\"")]
    private static partial Regex Literal();

    [Fact]
    public void Every_environment_variable_the_code_reads_is_listed_once_and_in_the_readme()
    {
        var listed = InterpEnvironment.All.Select(v => v.Name).ToList();
        Assert.Equal(listed.Distinct().Count(), listed.Count);
        var sources = new[] { "src", "tests", ".ci" }.SelectMany(d => Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, d), "*", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}")
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || Path.GetFileName(f) is "run" or "jupyter-smoke");
        var used = sources.SelectMany(f => Literal().Matches(File.ReadAllText(f)).Select(m => (Name: m.Groups[1].Value, File: Path.GetRelativePath(TestPaths.RepoRoot,
            f)))).ToList();
        Assert.NotEmpty(used);
        var unlisted = used.Where(u => !listed.Contains(u.Name)).Select(u => $"{u.Name} ({u.File})").Distinct().ToList();
        Assert.True(unlisted.Count == 0, "Read but not listed in InterpEnvironment: " + string.Join(", ", unlisted));
        var readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));
        Assert.All(listed, name => Assert.Contains($"`{name}`", readme));
    }
}
