using Interp.Hooks;
using static TorchSharp.torch;

namespace Interp.Stimuli;

/// <summary>
/// Thresholds that make a channel a curve detector rather than a look-alike (the Curve Detectors paper's warnings):
/// it must prefer curves to lines even when both may shift within its field, prefer an arc to the full ring, barely
/// respond to the opposite bulge, and respond strongly on the scale of its activations on natural images.
/// </summary>
/// <param name="CurveOverLine">Best curve response ≥ this × best line response (both maximized over nearby positions).</param>
/// <param name="OppositeAtMost">Response to the best curve bulging the other way ≤ this × the best curve response.</param>
/// <param name="ArcOverRing">Best curve response ≥ this × the stronger of the responses to the best arc's completed circle and
/// to rings centred on the field (small closed rings and blobs are the commonest look-alike).</param>
/// <param name="PeakOverNatural">Best curve response ≥ this × the channel's largest response on the natural images.</param>
public sealed record CurveCriteria(double CurveOverLine = 1.5, double OppositeAtMost = 0.2, double ArcOverRing = 1.0, double PeakOverNatural = 0.5);

/// <summary>The stimulus families of a curve search.</summary>
/// <param name="OrientationStep">Degrees between arc orientations (lines use the same step over 0–180°).</param>
/// <param name="Curvatures">Curvatures (1/px) of the arcs and rings; all above 0.</param>
/// <param name="Length">Arc and line length in px.</param>
/// <param name="LineWidth">Stroke width in px.</param>
/// <param name="Shifts">Offsets in px along each stimulus's normal (arcs along the bulge, lines sideways), so that a unit is not
/// judged by a stimulus that misses the centre of its field.</param>
public sealed record CurveSearchSettings(double OrientationStep = 15, IReadOnlyList<double>? Curvatures = null, double Length = 40, double LineWidth = 3,
    IReadOnlyList<double>? Shifts = null)
{
    /// <summary>The curvatures, default 1/40, 1/20, 1/10 px⁻¹.</summary>
    public IReadOnlyList<double> CurvatureList => Curvatures ?? [1.0 / 40, 1.0 / 20, 1.0 / 10];
    /// <summary>The shifts, default −8, −4, 0, 4, 8 px.</summary>
    public IReadOnlyList<double> ShiftList => Shifts ?? [-8, -4, 0, 4, 8];
}

/// <summary>What the curve search measured for one channel, and whether it passes given criteria.</summary>
/// <param name="BestShift">The offset in px along the best arc's bulge direction (one of the search's shifts) at which it was drawn.</param>
public sealed record CurveCandidate(int Channel, double BestCurve, Arc BestCurveStimulus, double BestLine, double Opposite, double Ring, double Natural,
    double OrientationSelectivity, double BestShift = 0)
{
    /// <summary>Whether every criterion holds.</summary>
    public bool Passes(CurveCriteria c) =>
        BestCurve > 0 && BestCurve >= c.CurveOverLine * Math.Max(0, BestLine) && Opposite <= c.OppositeAtMost * BestCurve
        && BestCurve >= c.ArcOverRing * Math.Max(0, Ring) && BestCurve >= c.PeakOverNatural * Math.Max(0, Natural);

    /// <summary>The criteria this channel fails, by name (empty when it passes).</summary>
    public IReadOnlyList<string> Failures(CurveCriteria c)
    {
        var failed = new List<string>();
        if (BestCurve <= 0) failed.Add("no response to any curve");
        if (BestCurve < c.CurveOverLine * Math.Max(0, BestLine)) failed.Add("prefers lines");
        if (Opposite > c.OppositeAtMost * BestCurve) failed.Add("answers the opposite bulge");
        if (BestCurve < c.ArcOverRing * Math.Max(0, Ring)) failed.Add("prefers the full ring");
        if (BestCurve < c.PeakOverNatural * Math.Max(0, Natural)) failed.Add("weak on the scale of natural images");
        return failed;
    }
}

/// <summary>
/// Searches every channel of a layer for curve detectors with position controls: arcs over orientation × curvature
/// and lines over orientation, each shifted along its normal, and full rings, all centred on the receptive field of the
/// layer's central position, whose response is read for every channel at once.
/// </summary>
public static class CurveSearch
{
    /// <summary>Measures every channel of <paramref name="layer"/>; <paramref name="naturalImages"/> [N, 3, H, W] set each channel's natural scale.</summary>
    public static IReadOnlyList<CurveCandidate> Measure(HookedModel model, string layer, Tensor naturalImages, CurveSearchSettings? settings = null, StimulusStyle? style = null) =>
        Measure(model, layer, Natural(model, layer, naturalImages), settings, style);

    /// <summary>
    /// Measures every channel of <paramref name="layer"/> against each channel's natural scale given directly, e.g. the
    /// peaks of a dataset scan (<c>ScanResult.Peaks()</c>) over many more images than fit in one batch.
    /// </summary>
    public static IReadOnlyList<CurveCandidate> Measure(HookedModel model, string layer, double[] naturalPeaks, CurveSearchSettings? settings = null, StimulusStyle? style = null)
    {
        settings ??= new CurveSearchSettings();
        style ??= new StimulusStyle(Size: model.Input.Size);
        if (settings.CurvatureList.Any(k => k <= 0)) throw new ArgumentException("Curvatures of a curve search must be above 0 (lines are measured separately).", nameof(settings));
        var (unit, cx, cy) = CentralField(model, layer, style);
        long channelCount = model.Layer(layer, style.Size).Shape[1];
        if (naturalPeaks.Length != channelCount)
            throw new ArgumentException($"'{layer}' has {channelCount} channels but {naturalPeaks.Length} natural peaks were given; give one per channel.", nameof(naturalPeaks));
        Arc Shifted(Arc a, double d) => ShiftAlongNormal(a, d, cx, cy);
        var orientations = Stimulus.Circle(settings.OrientationStep);
        var shifted = (from o in orientations from k in settings.CurvatureList from d in settings.ShiftList
                       select (Arc: Shifted(new Arc(o, k, settings.Length, settings.LineWidth), d), Shift: d)).ToList();
        var arcs = shifted.Select(a => a.Arc).ToList();
        var lines = (from o in orientations.Where(o => o < 180) from d in settings.ShiftList
                     select Shifted(new Arc(o, 0, settings.Length, settings.LineWidth), d)).ToList();
        // Full rings centred on the field: bulging up, so the midpoint sits one radius above the centre.
        var rings = settings.CurvatureList.Select(k => new Arc(90, k, 2 * Math.PI / k + 1, settings.LineWidth, cx, cy - 1 / k)).ToList();
        var all = arcs.Concat(lines).Concat(rings).ToList();

        using var stimuli = Stimulus.Arcs(all, style);
        var responses = Tuning.LayerResponses(model, layer, stimuli.Images);         // [stimuli, channels], at the centre (uy, ux)
        int channels = responses.GetLength(1);
        var bestIndex = Enumerable.Range(0, channels).Select(c => Enumerable.Range(0, arcs.Count).MaxBy(i => responses[i, c])).ToArray();
        // The ring control: the full circle each channel's best arc belongs to (drawn once per distinct arc).
        var circles = bestIndex.Distinct().ToList();
        using var completed = Stimulus.Arcs(circles.Select(i => arcs[i] with { Length = 2 * Math.PI / arcs[i].Curvature + 1 }), style);
        var circleResponses = Tuning.LayerResponses(model, layer, completed.Images);
        var result = new List<CurveCandidate>(channels);
        for (int c = 0; c < channels; c++)
        {
            int best = bestIndex[c];
            var bestArc = arcs[best];
            double bestLine = Enumerable.Range(arcs.Count, lines.Count).Max(i => responses[i, c]);
            double opposite = Enumerable.Range(0, arcs.Count)
                .Where(i => arcs[i].Curvature == bestArc.Curvature && Math.Abs(((arcs[i].Orientation - bestArc.Orientation) % 360 + 360) % 360 - 180) < 1e-9)
                .Max(i => responses[i, c]);
            double ring = Math.Max(circleResponses[circles.IndexOf(best), c], Enumerable.Range(arcs.Count + lines.Count, rings.Count).Max(i => responses[i, c]));
            // Orientation selectivity of the best curvature at the best shift, over the circle (0 when nothing responds).
            var sameCurve = Enumerable.Range(0, arcs.Count).Where(i => arcs[i].Curvature == bestArc.Curvature && shifted[i].Shift == shifted[best].Shift)
                .Select(i => new TuningPoint<Arc>(arcs[i], responses[i, c])).ToList();
            double selectivity = new TuningCurve<Arc>(unit with { Channel = c }, sameCurve).Circular(a => a.Orientation).Selectivity;
            result.Add(new CurveCandidate(c, responses[best, c], bestArc, bestLine, opposite, ring, naturalPeaks[c], double.IsNaN(selectivity) ? 0 : selectivity,
                shifted[best].Shift));
        }
        return result;
    }

    /// <summary>
    /// The orientation tuning of a candidate over the circle: arcs of its best curvature at its best shift along each
    /// orientation's normal, read at the layer's central position as in the search (for polar plots of a family).
    /// </summary>
    public static TuningCurve<Arc> OrientationCurve(HookedModel model, string layer, CurveCandidate candidate, double step = 15, StimulusStyle? style = null) =>
        OrientationCurves(model, layer, [candidate], step, style)[0];

    /// <summary>
    /// <see cref="OrientationCurve"/> for several candidates of one layer; the receptive field is located once and every
    /// candidate's stimuli go through the model together.
    /// </summary>
    public static IReadOnlyList<TuningCurve<Arc>> OrientationCurves(HookedModel model, string layer, IReadOnlyList<CurveCandidate> candidates, double step = 15,
        StimulusStyle? style = null)
    {
        style ??= new StimulusStyle(Size: model.Input.Size);
        if (candidates.Count == 0) return [];
        var (unit, cx, cy) = CentralField(model, layer, style);
        var orientations = Stimulus.Circle(step);
        var arcs = candidates.SelectMany(c => orientations.Select(o => ShiftAlongNormal(c.BestCurveStimulus with { Orientation = o }, c.BestShift, cx, cy))).ToList();
        using var set = Stimulus.Arcs(arcs, style);
        var responses = Tuning.LayerResponses(model, layer, set.Images);      // [stimuli, channels] at the central position
        return [.. candidates.Select((c, k) => new TuningCurve<Arc>(unit with { Channel = c.Channel },
            [.. Enumerable.Range(k * orientations.Count, orientations.Count).Select(i => new TuningPoint<Arc>(arcs[i], responses[i, c.Channel]))]))];
    }

    internal static Arc ShiftAlongNormal(Arc a, double d, double cx, double cy)
    {
        double t = a.Orientation * Math.PI / 180;
        return a with { X = cx + d * Math.Cos(t), Y = cy - d * Math.Sin(t) };
    }

    internal static (Units.Unit Unit, double Cx, double Cy) CentralField(HookedModel model, string layer, StimulusStyle style)
    {
        var shape = model.Layer(layer, style.Size).Shape;
        if (shape.Count != 4)
            throw new ArgumentException($"A curve search reads units at positions of a spatial layer [N, C, H, W]; '{layer}' gives [{string.Join(", ", shape)}]. Choose a " +
                $"convolutional layer, e.g. one of {string.Join(", ", model.Layers(style.Size).Where(l => l.Shape.Count == 4).Select(l => l.Name).TakeLast(3))}.", nameof(layer));
        var unit = Units.Unit.Parse($"{layer}:0@{shape[2] / 2},{shape[3] / 2}");
        var field = ReceptiveFields.FromArchitecture(model, unit, style.Size);
        if (field.Clipped)
            throw new ArgumentException($"At {style.Size} px the central field of '{layer}' reaches the image's edge ({field}), so its centre is unknown; use a larger " +
                "StimulusStyle.Size.", nameof(style));
        return (unit, (field.Left + field.Right + 1) / 2.0, (field.Top + field.Bottom + 1) / 2.0);
    }

    static double[] Natural(HookedModel model, string layer, Tensor images)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var cache = model.RunWithCache(images.to(model.Dtype), [layer], stopEarly: true);
        return cache[layer].to(float64).amax([0, 2, 3]).data<double>().ToArray();
    }
}
