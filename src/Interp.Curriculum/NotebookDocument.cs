using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Interp.Curriculum;

/// <summary>
/// An <c>.ipynb</c> file as JSON, with just what the course tooling reads and changes: cells, their source and their tags.
/// Everything else (kernel metadata, cell ids, other metadata) is kept as it is.
/// </summary>
public sealed class NotebookDocument
{
    readonly JsonNode _root;

    NotebookDocument(JsonNode root) => _root = root;

    /// <summary>Reads a notebook file.</summary>
    public static NotebookDocument Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses notebook JSON (<paramref name="name"/> names it in errors).</summary>
    public static NotebookDocument Parse(string json, string name = "notebook")
    {
        var root = JsonNode.Parse(json) ?? throw new InvalidDataException($"{name} is empty.");
        if (root["cells"] is not JsonArray) throw new InvalidDataException($"{name} has no 'cells' array: not a Jupyter notebook.");
        return new NotebookDocument(root);
    }

    /// <summary>The cells, in order.</summary>
    public IReadOnlyList<NotebookCell> Cells => _root["cells"]!.AsArray().Select(c => new NotebookCell(c!)).ToList();

    /// <summary>A deep copy.</summary>
    public NotebookDocument Clone() => new(_root.DeepClone());

    /// <summary>Removes the cells for which <paramref name="drop"/> holds.</summary>
    public void RemoveCells(Func<NotebookCell, bool> drop)
    {
        var cells = _root["cells"]!.AsArray();
        for (int i = cells.Count - 1; i >= 0; i--)
            if (drop(new NotebookCell(cells[i]!))) cells.RemoveAt(i);
    }

    static readonly JsonSerializerOptions Write = new() { WriteIndented = true, IndentSize = 1, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The notebook as JSON, in the layout the committed notebooks use (one-space indent, UTF-8 text unescaped).</summary>
    public string ToJson() => _root.ToJsonString(Write);

    /// <summary>Writes the notebook to <paramref name="path"/>.</summary>
    public void Save(string path) => File.WriteAllText(path, ToJson());
}

/// <summary>One cell of a <see cref="NotebookDocument"/> (a view: changes write through).</summary>
public sealed class NotebookCell
{
    readonly JsonNode _cell;

    internal NotebookCell(JsonNode cell) => _cell = cell;

    /// <summary><c>code</c>, <c>markdown</c> or <c>raw</c>.</summary>
    public string Type => _cell["cell_type"]?.GetValue<string>() ?? "";

    /// <summary>Whether it is a markdown cell.</summary>
    public bool IsMarkdown => Type == "markdown";

    /// <summary>Whether it is a code cell.</summary>
    public bool IsCode => Type == "code";

    /// <summary>The cell's text (Jupyter stores it as a list of lines, or as one string).</summary>
    public string Source
    {
        get => _cell["source"] switch
        {
            JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>())),
            JsonValue text => text.GetValue<string>(),
            _ => "",
        };
        set
        {
            var lines = value.Split('\n');
            _cell["source"] = new JsonArray(lines.Select((l, k) => (JsonNode?)JsonValue.Create(k < lines.Length - 1 ? l + "\n" : l)).Where((n, k) => k < lines.Length - 1
                || lines[k].Length > 0).ToArray());
        }
    }

    /// <summary>The cell's tags (<c>metadata.tags</c>).</summary>
    public IReadOnlyList<string> Tags => _cell["metadata"]?["tags"] is JsonArray tags ? tags.Select(t => t!.GetValue<string>()).ToList() : [];

    /// <summary>Whether the cell carries <paramref name="tag"/>.</summary>
    public bool HasTag(string tag) => Tags.Contains(tag);

    /// <summary>Removes the outputs and execution count of a code cell.</summary>
    public void ClearOutputs()
    {
        if (!IsCode) return;
        _cell["outputs"] = new JsonArray();
        _cell["execution_count"] = null;
    }
}
