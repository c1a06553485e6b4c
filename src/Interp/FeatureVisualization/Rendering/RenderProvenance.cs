using System.Text.Json;

namespace Interp.FeatureVisualization.Rendering;

/// <summary>
/// Everything needed to say how an image was made, saved beside it as JSON. Bitwise reproduction needs
/// the same thread count and, since CPUs round differently, the same kind of <see cref="Cpu"/>.
/// </summary>
public sealed record RenderProvenance(
    string Objective,
    string ObjectiveJson,
    string Parameterization,
    string Transforms,
    long Seed,
    int Steps,
    double LearningRate,
    int RedirectReluSteps,
    string Model,
    string Precision,
    int Threads,
    string Cpu,
    string LibraryVersion,
    string MemoryFormat = "NCHW")
{
    /// <summary>Indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, new JsonSerializerOptions
    {
        WriteIndented = true,
        // Keep ×, →, ° and quotes readable in the file; it is data for people as much as for programs.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
