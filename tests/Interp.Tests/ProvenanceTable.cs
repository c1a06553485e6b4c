using System.Security.Cryptography;

namespace Interp.Tests;

/// <summary>Reads a data folder's README table (one row per shipped file) for the provenance tests.</summary>
static class ProvenanceTable
{
    /// <summary>
    /// Each image file of <paramref name="folder"/> has exactly one row in its README, and that row's
    /// <paramref name="hashColumn"/> cell is the file's SHA-256; returns each file's row cells by column header.
    /// </summary>
    public static Dictionary<string, Dictionary<string, string>> AssertEveryFileMatchesItsRow(string folder, string hashColumn, int expectedFiles)
    {
        var lines = File.ReadAllLines(Path.Combine(folder, "README.md"));
        var header = Cells(Assert.Single(lines, l => l.StartsWith("| file |", StringComparison.Ordinal)));
        int hash = Array.IndexOf(header, hashColumn);
        Assert.True(hash >= 0, $"The README's table has no '{hashColumn}' column: {string.Join(", ", header)}.");
        var files = Directory.GetFiles(folder).Where(f => !f.EndsWith(".md", StringComparison.Ordinal) && !f.EndsWith(".sh", StringComparison.Ordinal)).ToList();
        Assert.Equal(expectedFiles, files.Count);
        var rows = new Dictionary<string, Dictionary<string, string>>();
        foreach (var f in files)
        {
            var name = Path.GetFileName(f);
            var cells = Cells(Assert.Single(lines, l => l.StartsWith($"| `{name}` |", StringComparison.Ordinal)));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(f))), cells[hash]);
            rows[name] = header.Zip(cells).ToDictionary(p => p.First, p => p.Second);
        }
        return rows;
    }

    static string[] Cells(string row) => [.. row.Trim().Trim('|').Split('|').Select(c => c.Trim().Trim('`'))];
}
