namespace Interp.FeatureVisualization.Facets;

/// <summary>
/// A facet found by a linear probe (<see cref="FacetProbe.Fit"/>), with the probe's bias (logit = Σ weights ⊙ features +
/// <paramref name="Bias"/>) and its accuracy on the images it was fitted on and on images held out from the fit (NaN when none
/// was held out).
/// </summary>
public sealed record FacetFit(Facet Facet, double Bias, double TrainAccuracy, double HeldOutAccuracy, int TrainImages, int HeldOutImages)
{
    /// <inheritdoc/>
    public override string ToString() =>
        $"facet {Facet}: probe accuracy {TrainAccuracy:P1} on {TrainImages} fitted images, {HeldOutAccuracy:P1} on {HeldOutImages} held out";
}
