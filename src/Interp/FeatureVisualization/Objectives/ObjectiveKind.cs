using System.Text.Json.Nodes;

namespace Interp.FeatureVisualization.Objectives;

/// <summary>How a kind of objective turns its per-image values into the total a render maximizes (Lucid's rule for it).</summary>
public enum BatchReduction
{
    /// <summary>The mean over the batch (Lucid's <c>reduce_mean</c> over all axes).</summary>
    Mean,
    /// <summary>The sum over the batch.</summary>
    Sum,
    /// <summary>One square root over the whole batch, √(ε + Σ over every image) (Lucid's L2).</summary>
    RootOfSum,
    /// <summary>Combined from its parts' totals (sum, difference, product, scaling).</summary>
    OfParts,
    /// <summary>A constant: counted once, not once per image.</summary>
    Once,
}

/// <summary>
/// One kind of objective, registered once beside its factory in <see cref="Objectives"/> or <see cref="Objective"/>: its JSON
/// name, what it measures, its batch reduction, how to rebuild it from JSON, and a small example (used by the documentation
/// and by the test that round-trips every kind). <see cref="ObjectiveKinds.All"/> lists them.
/// </summary>
/// <param name="Name">The <c>kind</c> field of its JSON.</param>
/// <param name="Summary">One line: what it measures.</param>
/// <param name="Read">Rebuilds the objective from its JSON (the fields after <c>kind</c>).</param>
/// <param name="Example">A small instance.</param>
public sealed record ObjectiveKind(string Name, string Summary, BatchReduction Reduction, Func<ObjectiveJson, Objective> Read, Func<Objective> Example)
{
    /// <summary>The JSON object of an objective of this kind: <c>kind</c> then <paramref name="fields"/> (null values left out).</summary>
    internal JsonObject Json(params (string Key, JsonNode? Value)[] fields)
    {
        var o = new JsonObject { ["kind"] = Name };
        foreach (var (k, v) in fields) if (v is not null) o[k] = v;
        return o;
    }
}
