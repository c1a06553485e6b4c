using Interp.Datasets;

namespace Interp.Microscope;

/// <summary>What one <see cref="MicroscopeBuilder.BuildLayer"/> call did: its shard's pages, how many it built (the rest were done), and its times.</summary>
/// <param name="Pages">The shard's units' pages, built now or found done.</param>
/// <param name="Built">Pages built by this call.</param>
/// <param name="Elapsed">The call's wall time.</param>
/// <param name="Preparation">Of <paramref name="Elapsed"/>, the once-per-layer work: the scan, the curve search and the outputs' expanded weights.</param>
/// <param name="Skipped">Images of the set the scan could not read.</param>
public sealed record LayerBuild(string Layer, IReadOnlyList<UnitPage> Pages, int Built, TimeSpan Elapsed, TimeSpan Preparation, IReadOnlyList<SkippedImage> Skipped)
{
    /// <summary>Seconds per page built, preparation left out; null when nothing was built.</summary>
    public double? SecondsPerUnit => Built > 0 ? (Elapsed - Preparation).TotalSeconds / Built : null;
}
