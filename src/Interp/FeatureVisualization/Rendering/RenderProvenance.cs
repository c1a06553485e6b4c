using System.Text.Json;

namespace Interp.FeatureVisualization.Rendering;

/// <summary>
/// Everything needed to say how an image was made, saved beside it as JSON: the objective, the <see cref="RenderSpec"/> whole,
/// readable descriptions of what it built, the model, the number format, the thread count and the CPU. Bitwise reproduction
/// needs the same thread count and, since CPUs round differently, the same kind of <see cref="Cpu"/>.
/// </summary>
/// <param name="Parameterization">What <see cref="RenderSpec.Parameterization"/> built, e.g. <c>fourier(128×128, batch 1, decay 1, decorrelated)</c>.</param>
/// <param name="Transforms">The transforms applied each step, including the resize to the model's size if any.</param>
/// <param name="Precision">The number format the model ran in (the spec's <see cref="Rendering.Precision.Auto"/> resolved).</param>
public sealed record RenderProvenance(
    string Objective,
    string ObjectiveJson,
    RenderSpec Spec,
    string Parameterization,
    string Transforms,
    string Model,
    string Precision,
    int Threads,
    string Cpu,
    string LibraryVersion)
{
    /// <summary>Indented JSON; <see cref="Spec"/> as <see cref="RenderSpec.ToJson"/> writes it.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, RenderSpec.JsonOptions);
}
