namespace Interp.Tests;

public class TestPathsTests
{
    [Fact]
    public void An_absent_fixture_skips_with_what_is_missing_and_where_to_look()
    {
        var e = Assert.Throws<SkipException>(() => TestPaths.Fixture("no-such-fixture", "file.bin"));
        Assert.Contains("no-such-fixture/file.bin is absent", e.Message);
        Assert.Contains("INTERP_FIXTURES", e.Message);
        Assert.False(TestPaths.FixtureExists("no-such-fixture", "file.bin"));
    }

    [Fact]
    public void Every_test_file_that_reads_a_shared_fixture_carries_the_trait_ci_runs_without_the_fixtures()
    {
        var root = Path.Combine(TestPaths.RepoRoot, "tests", "Interp.Tests");
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Where(f => Path.GetFileName(f) is not ("TestPaths.cs" or "TestPathsTests.cs"))
            .ToList();
        var readers = files.Where(f => File.ReadAllText(f).Contains("TestPaths.Fixture", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(readers);
        var untagged = readers.Where(f => !File.ReadAllText(f).Contains("[Trait(\"Needs\", TestPaths.NeedsFixtures)]", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(root, f)).ToList();
        Assert.True(untagged.Count == 0, "These files read shared fixtures without [Trait(\"Needs\", TestPaths.NeedsFixtures)], so CI's run without ../shared would miss them: "
            + string.Join(", ", untagged));
        // Nothing else builds a path into ../shared by hand.
        var byHand = files.Where(f => File.ReadAllText(f).Contains("\"shared\"", StringComparison.Ordinal)).Select(f => Path.GetRelativePath(root, f)).ToList();
        Assert.True(byHand.Count == 0, "These files build a path to ../shared themselves; use TestPaths.Fixture: " + string.Join(", ", byHand));
    }
}
