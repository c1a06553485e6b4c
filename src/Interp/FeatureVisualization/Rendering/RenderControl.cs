namespace Interp.FeatureVisualization.Rendering;

/// <summary>How a render is run, as opposed to what it makes (<see cref="RenderSpec"/>): none of this changes the image.</summary>
public sealed record RenderControl
{
    /// <summary>Steps after which to keep a snapshot of the image (the last step is always kept).</summary>
    public IReadOnlyList<int> Thresholds { get; init; } = [];
    /// <summary>Receives progress after every step.</summary>
    public IProgress<RenderProgress>? Progress { get; init; }
    /// <summary>Stops the render between steps.</summary>
    public CancellationToken Cancellation { get; init; }
    /// <summary>
    /// Stop each forward pass at the deepest layer the objective reads (default). The result is the same,
    /// bit for bit; false runs the whole model every step, for comparison in benchmarks.
    /// </summary>
    public bool StopAtDeepestLayer { get; init; } = true;
}
