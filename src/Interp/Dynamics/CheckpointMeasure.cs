namespace Interp.Dynamics;

/// <summary>Curve-like units of one layer at one checkpoint, by notebook 02's criteria (<c>CurveCriteria</c> defaults).</summary>
/// <param name="Layer">The layer searched.</param>
/// <param name="Passing">Units passing every criterion.</param>
/// <param name="PreferCurves">Units whose best arc beats their best line by the criteria's margin (the first criterion alone).</param>
/// <param name="Orientations">The best arc's orientation (degrees) of each passing unit, by unit.</param>
public sealed record CurveCount(string Layer, int Passing, int PreferCurves, IReadOnlyList<double> Orientations);

/// <summary>
/// Everything <see cref="TrajectoryMeasures"/> measured on one checkpoint. Per-picture outcomes are kept as strings of '1' (right)
/// and '0' (wrong), one character per held-out picture, so change points can be bootstrapped over pictures.
/// </summary>
/// <param name="Step">Optimization steps taken.</param>
/// <param name="HeldOutLoss">The contrastive loss on held-out pictures and captions.</param>
/// <param name="Drawings">Zero-shot shape of each held-out drawing ("a drawing of a …" over the twelve shapes).</param>
/// <param name="Words">Zero-shot shape of each held-out word picture ("the word …").</param>
/// <param name="Colours">Zero-shot colour of each held-out drawing ("a {colour} {shape}" over the eight colours, its shape given).</param>
/// <param name="MultimodalUnits">Units of the multimodal layer whose picture and word profiles correlate above 0.6.</param>
/// <param name="MultimodalChance">The same count with shuffled word labels, averaged over the permutations.</param>
/// <param name="AttackEligible">Victim drawings not already classified as a star (the attack's flip rates are over these).</param>
/// <param name="AttackFlipRate">Share of eligible drawings the written word "star" turns into stars (NaN when none is eligible).</param>
/// <param name="AttackControlFlipRate">The same for a same-length nonsense string at the same place.</param>
/// <param name="Curves">Curve-like units per searched layer.</param>
/// <param name="Spectrum">The first layer's radially averaged filter power spectrum, as shares of its total (<c>FilterSpectrum.Shares</c>).</param>
/// <param name="SpectrumMeanFrequency">Its power-weighted mean frequency in cycles per pixel.</param>
/// <param name="TuningDistance">Per unit of the multimodal layer: 1 − Pearson r of its mean responses to the tuning pictures with the
/// last checkpoint's (0 = settled; NaN for a unit that does not vary at one of the two).</param>
public sealed record CheckpointMeasure(int Step, double HeldOutLoss, string Drawings, string Words, string Colours, int MultimodalUnits, double MultimodalChance,
    int AttackEligible, double AttackFlipRate, double AttackControlFlipRate, IReadOnlyList<CurveCount> Curves, IReadOnlyList<double> Spectrum,
    double SpectrumMeanFrequency, IReadOnlyList<double> TuningDistance)
{
    /// <summary>The share of '1's in an outcome string (e.g. <see cref="Drawings"/>).</summary>
    public static double Accuracy(string outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        return outcomes.Length == 0 ? double.NaN : outcomes.Count(c => c == '1') / (double)outcomes.Length;
    }

    /// <summary>Zero-shot accuracy on drawings.</summary>
    public double DrawingAccuracy => Accuracy(Drawings);

    /// <summary>Zero-shot accuracy on written words.</summary>
    public double WordAccuracy => Accuracy(Words);

    /// <summary>Zero-shot colour accuracy on drawings.</summary>
    public double ColourAccuracy => Accuracy(Colours);

    /// <summary>The median tuning distance over units (NaNs left out): how far the layer is from its final tuning.</summary>
    public double MedianTuningDistance
    {
        get
        {
            var d = TuningDistance.Where(x => !double.IsNaN(x)).ToArray();
            return d.Length == 0 ? double.NaN : Statistics.Bootstrap.Percentile(d, 0.5);
        }
    }
}
