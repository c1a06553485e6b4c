using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Interp.Curriculum;

/// <summary>
/// The course's syllabus in one file (<c>notebooks/syllabus.json</c>): chapters, time budgets, prerequisites, open
/// problems and learning objectives. README's table of notebooks and the site's index are generated from it, and
/// <see cref="Disagreements"/> lists where a notebook's own first cell says otherwise.
/// </summary>
public sealed partial class Syllabus
{
    /// <summary>The file name, in the notebooks folder.</summary>
    public const string FileName = "syllabus.json";

    /// <summary>README's table sits between these two lines.</summary>
    public const string TableBegin = "<!-- notebooks table: generated from notebooks/syllabus.json by `dotnet run --project src/Interp.Runner -- readme` -->";

    /// <inheritdoc cref="TableBegin"/>
    public const string TableEnd = "<!-- end of notebooks table -->";

    /// <summary>The notebooks in course order.</summary>
    public IReadOnlyList<SyllabusEntry> Notebooks { get; }

    Syllabus(IReadOnlyList<SyllabusEntry> notebooks) => Notebooks = notebooks;

    static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    /// <summary>Reads <c>syllabus.json</c> from <paramref name="notebooksFolder"/>.</summary>
    public static Syllabus Load(string notebooksFolder)
    {
        var path = Path.Combine(notebooksFolder, FileName);
        if (!File.Exists(path)) throw new FileNotFoundException($"No {FileName} in {notebooksFolder}.", path);
        var entries = JsonNode.Parse(File.ReadAllText(path))?["notebooks"]?.Deserialize<List<SyllabusEntry>>(Json)
            ?? throw new InvalidDataException($"{path} has no 'notebooks' list.");
        var numbers = entries.Select(e => e.Number).ToList();
        foreach (var e in entries)
            foreach (var p in e.Prerequisites.Where(p => !numbers.Contains(p)))
                throw new InvalidDataException($"{path}: notebook {e.Number} names prerequisite '{p}', which is not a notebook; valid: {string.Join(", ", numbers)}.");
        return new Syllabus(entries);
    }

    /// <summary>The entry for a notebook file name (e.g. <c>02-curve-detectors.ipynb</c>), if listed.</summary>
    public SyllabusEntry? For(string fileName) => Notebooks.FirstOrDefault(e => e.File == Path.GetFileName(fileName));

    /// <summary>README's table of notebooks, with the marker lines around it.</summary>
    public string ReadmeTable()
    {
        var sb = new StringBuilder();
        sb.Append(TableBegin).Append('\n');
        sb.Append("| # | notebook | time | needs | open problems | status |\n|---|---|---|---|---|---|\n");
        foreach (var e in Notebooks)
            sb.Append($"| {e.Number} | [{e.Summary}](notebooks/{e.File}) | {e.Minutes} min | {Join(e.Prerequisites)} | {Join(e.OpenProblems)} | {e.Status} |\n");
        sb.Append(TableEnd);
        return sb.ToString();

        static string Join(IReadOnlyList<string> items) => items.Count == 0 ? "—" : string.Join(", ", items);
    }

    /// <summary><paramref name="readme"/> with its table replaced by <see cref="ReadmeTable"/>.</summary>
    public string WithReadmeTable(string readme)
    {
        int begin = readme.IndexOf(TableBegin, StringComparison.Ordinal), end = readme.IndexOf(TableEnd, StringComparison.Ordinal);
        if (begin < 0 || end < begin) throw new InvalidDataException($"README has no generated table: it needs the lines\n{TableBegin}\n{TableEnd}");
        return readme[..begin] + ReadmeTable() + readme[(end + TableEnd.Length)..];
    }

    [GeneratedRegex(@"^# (\d\d) — (.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"\*\*Time:\*\* about (\d+) minutes")]
    private static partial Regex Time();

    /// <summary>
    /// Where the notebooks in <paramref name="notebooksFolder"/> and this file disagree: a notebook not listed (or
    /// listed and missing), or a first cell whose number, title, time or objectives differ. Empty when in sync.
    /// </summary>
    public IReadOnlyList<string> Disagreements(string notebooksFolder)
    {
        var problems = new List<string>();
        var files = Directory.GetFiles(notebooksFolder, "*.ipynb").Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        foreach (var f in files.Where(f => For(f) is null)) problems.Add($"{f} is not in {FileName}.");
        foreach (var e in Notebooks.Where(e => !files.Contains(e.File))) problems.Add($"{FileName} lists {e.File}, which is not in {notebooksFolder}.");
        foreach (var e in Notebooks.Where(e => files.Contains(e.File)))
        {
            var first = NotebookDocument.Load(Path.Combine(notebooksFolder, e.File)).Cells.FirstOrDefault(c => c.IsMarkdown)?.Source ?? "";
            var heading = Heading().Match(first);
            if (!heading.Success || heading.Groups[1].Value != e.Number || heading.Groups[2].Value.Trim() != e.Title)
                problems.Add($"{e.File}: the first heading should be '# {e.Number} — {e.Title}'.");
            var time = Time().Match(first);
            if (!time.Success || int.Parse(time.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) != e.Minutes)
                problems.Add($"{e.File}: the first cell should say '**Time:** about {e.Minutes} minutes'.");
            var objectives = Objectives(first);
            if (!objectives.SequenceEqual(e.Objectives))
                problems.Add($"{e.File}: the first cell's objectives ({objectives.Count}) differ from {FileName}'s ({e.Objectives.Count}): " +
                             string.Join(" | ", objectives.Except(e.Objectives).Concat(e.Objectives.Except(objectives)).Take(2)));
        }
        return problems;
    }

    /// <summary>The numbered list after "you will be able to:" in a notebook's first cell, continuation lines joined.</summary>
    public static IReadOnlyList<string> Objectives(string firstCell)
    {
        var marker = firstCell.IndexOf("you will be able to:", StringComparison.Ordinal);
        if (marker < 0) return [];
        var items = new List<string>();
        foreach (var line in firstCell[(marker + "you will be able to:".Length)..].Split('\n').SkipWhile(l => l.Trim().Length == 0))
        {
            var item = Regex.Match(line, @"^\d+\. (.*)$");
            if (item.Success) items.Add(item.Groups[1].Value.TrimEnd());
            else if (line.StartsWith("   ", StringComparison.Ordinal) && items.Count > 0) items[^1] += " " + line.Trim();
            else break;
        }
        return items;
    }
}
