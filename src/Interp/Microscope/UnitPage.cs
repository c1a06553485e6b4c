namespace Interp.Microscope;

/// <summary>One dataset example on a unit page: its crop file, the image it comes from, where, and the activation there.</summary>
public sealed record ExampleImage(string File, string ImageId, int Y, int X, float Activation);

/// <summary>One input of a unit from the layer before (expanded weights): the input channel, its summed weight, its kernel's picture.</summary>
public sealed record InputWeight(string Layer, int Channel, double Sum, string KernelFile);

/// <summary>
/// What a unit's page shows, as data (written as <c>unit.json</c> beside the page; a unit whose file holds the build's key is
/// done and skipped when a build resumes). File names are relative to the unit's folder.
/// </summary>
public sealed record UnitPage(
    string Model,
    string Layer,
    int Channel,
    string Key,
    string Render,
    string Provenance,
    IReadOnlyList<ExampleImage> Top,
    IReadOnlyList<ExampleImage> Bottom,
    IReadOnlyList<InputWeight> Excitatory,
    IReadOnlyList<InputWeight> Inhibitory)
{
    /// <summary>The unit's Microscope-style id, e.g. <c>layer3:42</c>.</summary>
    public string Id => $"{Layer}:{Channel}";
}
