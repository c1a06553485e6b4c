namespace Interp.FeatureVisualization.Facets;

/// <summary>
/// How <see cref="FacetProbe.Fit"/> fits its logistic regression. <paramref name="Spatial"/>: one weight per channel and
/// position ([C, H, W]) instead of one per channel of the activation summed over positions ([C]).
/// <paramref name="L2"/>: the ridge penalty on the weights of standardized features. <paramref name="HeldOutFraction"/>
/// of each class is kept out of the fit to measure accuracy. <paramref name="Seed"/> fixes the split.
/// </summary>
public sealed record FacetProbeOptions(bool Spatial = false, double L2 = 1e-2, int Iterations = 400, double LearningRate = 0.05,
    double HeldOutFraction = 0.25, int Seed = 0, int BatchSize = 64);
