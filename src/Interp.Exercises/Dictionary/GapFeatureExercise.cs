using Interp.Stimuli;

namespace Interp.Exercises.Dictionary;

/// <summary>
/// Exercise 05.3 (★★☆): a dictionary feature that fills a gap in the neurons' curve family — one that passes every curve
/// criterion and prefers an orientation at least <see cref="Gap"/>° (one step of the full search's grid) from the preferred orientation of
/// every neuron that passes: an orientation the family does not have.
/// </summary>
public static class GapFeatureExercise
{
    /// <summary>The exercise's id and title.</summary>
    public const string Title = "05.3 A feature in the family's gap";

    /// <summary>How far (degrees, around the circle) the feature's orientation must be from every passing neuron's.</summary>
    public const double Gap = 15;

    /// <summary>The learner's function: (the neurons' curve search, the features' curve search, the criteria) → a feature's channel.</summary>
    public delegate int Answer(IReadOnlyList<CurveCandidate> neurons, IReadOnlyList<CurveCandidate> features, CurveCriteria criteria);

    /// <summary>Checks the chosen feature against the searches it was chosen from.</summary>
    public static CheckResult Check(IReadOnlyList<CurveCandidate> neurons, IReadOnlyList<CurveCandidate> features, CurveCriteria criteria, Answer answer)
    {
        ArgumentNullException.ThrowIfNull(neurons);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(criteria);
        const string hint = "Collect the preferred orientations (BestCurveStimulus.Orientation) of the neurons that pass; among the features that pass, " +
                            "keep one whose orientation is at least 15° around the circle from each of them (the distance between a and b is " +
                            "min(|a − b| mod 360, 360 − |a − b| mod 360)).";
        var passing = neurons.Where(n => n.Passes(criteria)).Select(n => n.BestCurveStimulus.Orientation).ToList();
        bool InGap(CurveCandidate f) => passing.All(o => Distance(o, f.BestCurveStimulus.Orientation) >= Gap);
        if (!features.Any(f => f.Passes(criteria) && InGap(f)))
            return new CheckResult(Title, true, "No passing feature lies in a gap of this run's family, so there is nothing to find here; the check passes for any answer.");
        if (CheckResult.Try(Title, hint, () => answer(neurons, features, criteria), out var chosen) is { } threw) return threw;
        var feature = features.FirstOrDefault(f => f.Channel == chosen);
        if (feature is null)
            return new CheckResult(Title, false, $"There is no feature {chosen} in the search (channels {features.Min(f => f.Channel)}–{features.Max(f => f.Channel)}).", hint);
        if (!feature.Passes(criteria))
            return new CheckResult(Title, false, $"Feature {chosen} does not pass every curve criterion ({string.Join(", ", feature.Failures(criteria))}).", hint);
        double nearest = passing.Count == 0 ? 180 : passing.Min(o => Distance(o, feature.BestCurveStimulus.Orientation));
        if (nearest < Gap)
            return new CheckResult(Title, false, $"Feature {chosen} prefers {feature.BestCurveStimulus.Orientation}°, only {nearest}° from a passing neuron's orientation.", hint);
        return new CheckResult(Title, true, $"Feature {chosen} is a curve detector at {feature.BestCurveStimulus.Orientation}°, {nearest}° from the nearest neuron of the family.");
    }

    static double Distance(double a, double b)
    {
        double d = Math.Abs(a - b) % 360;
        return Math.Min(d, 360 - d);
    }
}
