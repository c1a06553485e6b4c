using System.Text.Json;
using System.Text.Json.Nodes;
using Interp.FeatureVisualization.Facets;
using Interp.Units;

namespace Interp.FeatureVisualization.Objectives;

/// <summary>
/// The fields of one objective's JSON, read with errors that name the kind, the field, what was found and what is expected
/// (a <see cref="FormatException"/> for every malformed input).
/// </summary>
public sealed class ObjectiveJson
{
    readonly JsonObject _node;

    internal ObjectiveJson(JsonObject node, string kind)
    {
        _node = node;
        Kind = kind;
    }

    /// <summary>The kind being read.</summary>
    public string Kind { get; }

    JsonNode Required(string key) => _node[key] ?? throw new FormatException($"Objective JSON of kind '{Kind}' lacks \"{key}\".");

    T Value<T>(JsonNode node, string key, string expected)
    {
        try
        {
            return node.GetValue<T>();
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or JsonException)
        {
            throw new FormatException($"Objective JSON of kind '{Kind}': \"{key}\" must be {expected}; got {node.ToJsonString()}.", e);
        }
    }

    /// <summary>A string field.</summary>
    public string String(string key) => Value<string>(Required(key), key, "a string");
    /// <summary>A number field.</summary>
    public double Number(string key) => Value<double>(Required(key), key, "a number");
    /// <summary>A number field that may be absent.</summary>
    public double? OptionalNumber(string key) => _node[key] is { } n ? Value<double>(n, key, "a number") : null;
    /// <summary>An integer field that may be absent.</summary>
    public int? OptionalInteger(string key) => _node[key] is { } n ? Value<int>(n, key, "an integer") : null;

    /// <summary>The optional <c>batch</c> field: the one image an objective is restricted to.</summary>
    public int? Batch => _node["batch"] is { } n ? Value<int>(n, "batch", "a non-negative integer (an image of the batch)") : null;
    /// <summary>A unit field, e.g. <c>"layer3:42"</c>.</summary>
    public Unit Unit(string key)
    {
        var text = String(key);
        try { return Units.Unit.Parse(text); }
        catch (FormatException e) { throw new FormatException($"Objective JSON of kind '{Kind}': \"{key}\" is not a unit ({e.Message}).", e); }
    }
    /// <summary>An array of numbers.</summary>
    public float[] Floats(string key) => Array(key, "an array of numbers").Select(v => Value<float>(v ?? throw Null(key), key, "an array of numbers")).ToArray();
    /// <summary>An array of integers.</summary>
    public long[] Integers(string key) => Array(key, "an array of integers").Select(v => Value<long>(v ?? throw Null(key), key, "an array of integers")).ToArray();
    /// <summary>A nested objective.</summary>
    public Objective Objective(string key) => ObjectiveKinds.Read(Required(key) as JsonObject
        ?? throw new FormatException($"Objective JSON of kind '{Kind}': \"{key}\" must be an objective (a JSON object with a \"kind\" field)."));
    /// <summary>A facet written by <see cref="Objectives.Facet"/>.</summary>
    public Facet Facet() => new(String("name"), String("layer"), Integers("shape"), Floats("weights"));

    JsonArray Array(string key, string expected) => Required(key) as JsonArray
        ?? throw new FormatException($"Objective JSON of kind '{Kind}': \"{key}\" must be {expected}; got {_node[key]!.ToJsonString()}.");

    FormatException Null(string key) => new($"Objective JSON of kind '{Kind}': \"{key}\" contains null.");
}
