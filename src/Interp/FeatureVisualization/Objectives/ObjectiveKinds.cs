using System.Reflection;
using System.Text.Json.Nodes;

namespace Interp.FeatureVisualization.Objectives;

/// <summary>Every registered <see cref="ObjectiveKind"/>: the static fields of that type in <see cref="Objectives"/> and <see cref="Objective"/>.</summary>
public static class ObjectiveKinds
{
    static readonly Lazy<IReadOnlyDictionary<string, ObjectiveKind>> ByName = new(() =>
        new[] { typeof(Objectives), typeof(Objective) }
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Where(f => f.FieldType == typeof(ObjectiveKind))
            .Select(f => (ObjectiveKind)f.GetValue(null)!)
            .ToDictionary(k => k.Name));

    /// <summary>The kinds, by JSON name.</summary>
    public static IReadOnlyList<ObjectiveKind> All => [.. ByName.Value.Values.OrderBy(k => k.Name, StringComparer.Ordinal)];

    /// <summary>The kind called <paramref name="name"/>, or an error listing the known kinds.</summary>
    public static ObjectiveKind Get(string name) => ByName.Value.TryGetValue(name, out var kind) ? kind
        : throw new FormatException($"Unknown objective kind '{name}'. Known: {string.Join(", ", All.Select(k => k.Name))}.");

    /// <summary>Rebuilds an objective from its JSON object.</summary>
    internal static Objective Read(JsonObject node)
    {
        var kindNode = node["kind"] ?? throw new FormatException("Objective JSON lacks \"kind\".");
        string name = kindNode.GetValueKind() == System.Text.Json.JsonValueKind.String ? kindNode.GetValue<string>()
            : throw new FormatException($"An objective's \"kind\" must be a string; got {kindNode.ToJsonString()}.");
        return Get(name).Read(new ObjectiveJson(node, name));
    }
}
