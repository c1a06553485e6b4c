namespace Interp.Tests.Architecture;

/// <summary>The parts of .editorconfig no analyzer checks (the build checks its naming rules).</summary>
public class SourceStyleTests
{
    /// <summary>The limit .editorconfig's max_line_length states.</summary>
    const int MaxLineLength = 180;

    [Fact]
    public void No_source_line_is_longer_than_the_editorconfig_allows()
    {
        var editorconfig = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, ".editorconfig"));
        Assert.Contains($"max_line_length = {MaxLineLength}", editorconfig);
        var sep = Path.DirectorySeparatorChar;
        var tooLong = new[] { "src", "tests" }
            .SelectMany(d => Directory.EnumerateFiles(Path.Combine(TestPaths.RepoRoot, d), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{sep}bin{sep}") && !f.Contains($"{sep}obj{sep}"))
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: Path.GetRelativePath(TestPaths.RepoRoot, f), Line: i + 1, line.Length)))
            .Where(l => l.Length > MaxLineLength)
            .ToList();
        Assert.True(tooLong.Count == 0, $"{tooLong.Count} lines exceed {MaxLineLength} characters: " +
            string.Join(", ", tooLong.Take(20).Select(l => $"{l.File}:{l.Line} ({l.Length})")));
    }
}
