namespace Interp.Concepts;

/// <summary>
/// How close one unit (a neuron or a dictionary feature) is to one concept, read from the labels of the images it responds to most.
/// </summary>
/// <param name="Unit">The channel index.</param>
/// <param name="Active">Images on which the unit's strongest response is above zero (out of all images measured).</param>
/// <param name="TopConcept">The label most common among its top images; null when fewer than the minimum are active.</param>
/// <param name="Share">The share of its top images carrying <paramref name="TopConcept"/> (NaN when there is none).</param>
/// <param name="BaseRate">The share of all images carrying <paramref name="TopConcept"/>: what a unit blind to it would score.</param>
/// <param name="ConceptsAbove">Concepts whose mean response is at least half of the unit's strongest concept's (1 for a unit of
/// one concept; many for a polysemantic or a generic one; 0 for a unit never active).</param>
public sealed record UnitPurity(int Unit, int Active, string? TopConcept, double Share, double BaseRate, int ConceptsAbove)
{
    /// <summary>Whether the unit has a top concept at all (enough active images).</summary>
    public bool Measured => TopConcept is not null;
}
