namespace Interp.Microscope;

/// <summary>One feature visualization on a unit page: what it maximized, its image file and its provenance file.</summary>
/// <param name="Kind"><c>channel</c>, <c>diversity</c> or <c>neuron</c>.</param>
public sealed record RenderedImage(string Kind, string File, string Provenance);

/// <summary>One dataset example on a unit page: its crop file, the image it comes from, where, the activation there and, for examples
/// across the range, the percentile it stands for.</summary>
public sealed record ExampleImage(string File, string ImageId, int Y, int X, float Activation, double? Percentile = null);

/// <summary>
/// A unit of the layer before (an input) or after (an output) and the expanded weight between the two at the centre of the map:
/// summed over the kernel, and the kernel's picture.
/// </summary>
public sealed record WeightLink(string Layer, int Channel, double Sum, string KernelFile);

/// <summary>
/// Notebook 02's curve criteria applied to the unit (stimuli at the centre of its layer's map), and its orientation tuning over the
/// circle (arcs of its best curvature) when it passes.
/// </summary>
public sealed record CurveSummary(bool Passes, IReadOnlyList<string> Failures, double BestCurve, double BestLine, double Opposite, double Ring,
    double Natural, double OrientationSelectivity, IReadOnlyList<double> Orientations, IReadOnlyList<double> Responses);

/// <summary>
/// What a unit's page shows, as data (written as <c>unit.json</c> beside the page; a unit whose file holds the build's key is
/// done and skipped when a build resumes). File names are relative to the unit's folder.
/// </summary>
/// <param name="Renders">The channel objective first (the unit's thumbnail), then the diversity batch, then the neuron objective.</param>
/// <param name="Top">The images with the strongest responses, at their strongest position.</param>
/// <param name="Spread">Images across the range of each image's strongest response (<see cref="MicroscopeSettings.Percentiles"/>).</param>
/// <param name="Weakest">The images whose strongest response is lowest: those that drive the unit least anywhere.</param>
/// <param name="Negative">The most negative responses (empty when the unit is never negative on the images, e.g. after a ReLU).</param>
/// <param name="Curve">The curve criteria, or null when the search cannot run on this layer (<paramref name="CurveNote"/> says why).</param>
/// <param name="LinksNote">Why inputs or outputs are missing when expanded weights cannot be computed (e.g. max pooling in between).</param>
public sealed record UnitPage(
    string Model,
    string Layer,
    int Channel,
    string Key,
    IReadOnlyList<RenderedImage> Renders,
    IReadOnlyList<ExampleImage> Top,
    IReadOnlyList<ExampleImage> Spread,
    IReadOnlyList<ExampleImage> Weakest,
    IReadOnlyList<ExampleImage> Negative,
    IReadOnlyList<WeightLink> PositiveInputs,
    IReadOnlyList<WeightLink> NegativeInputs,
    IReadOnlyList<WeightLink> PositiveOutputs,
    IReadOnlyList<WeightLink> NegativeOutputs,
    CurveSummary? Curve,
    string? CurveNote,
    string? LinksNote)
{
    /// <summary>The unit's Microscope-style id, e.g. <c>layer3:42</c>.</summary>
    public string Id => $"{Layer}:{Channel}";

    /// <summary>The channel objective's image: the unit's thumbnail on layer pages and in links.</summary>
    public string Thumbnail => Renders[0].File;
}
