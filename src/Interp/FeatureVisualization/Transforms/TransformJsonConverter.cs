using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Interp.FeatureVisualization.Transforms;

/// <summary>
/// Writes a transform as JSON: its type's name as <c>Kind</c> and its public properties (a <see cref="TransformStack"/>'s
/// members in order), so that two transforms that act differently never write the same JSON. Used for a render's
/// provenance and cache key; transforms are not read back from JSON.
/// </summary>
public sealed class TransformJsonConverter : JsonConverter<ITransform>
{
    /// <inheritdoc/>
    public override ITransform Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("Transforms are written to JSON to record a render, not read back; build them in code (e.g. TransformStack.Standard).");

    /// <inheritdoc/>
    public override void Write(Utf8JsonWriter writer, ITransform value, JsonSerializerOptions options)
    {
        var node = new JsonObject { ["Kind"] = value.GetType().Name };
        if (JsonSerializer.SerializeToNode(value, value.GetType(), options) is JsonObject properties)
            foreach (var (key, property) in properties.ToList())
            {
                properties.Remove(key);
                node[key] = property;
            }
        node.WriteTo(writer, options);
    }
}
