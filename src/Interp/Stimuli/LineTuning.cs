using Interp.Hooks;

namespace Interp.Stimuli;

/// <summary>
/// Every channel's orientation tuning to straight lines at the central position of one layer: the raw material of
/// hand-written curve detectors, which tile the earlier layer's line and edge units along a curve's tangent.
/// </summary>
/// <param name="Layer">The measured layer.</param>
/// <param name="Orientations">The line normals measured, in degrees over [0, 180) (a line at 0° is vertical, its normal points right).</param>
/// <param name="Responses">[channel, orientation]: each channel's best response over the sideways shifts.</param>
public sealed record LineTuning(string Layer, IReadOnlyList<double> Orientations, double[,] Responses)
{
    /// <summary>Channels measured.</summary>
    public int Channels => Responses.GetLength(0);

    /// <summary>One channel's responses in the order of <see cref="Orientations"/>.</summary>
    public double[] Row(int channel)
    {
        if (channel < 0 || channel >= Channels) throw new ArgumentOutOfRangeException(nameof(channel), channel, $"'{Layer}' was measured on channels 0..{Channels - 1}.");
        return [.. Enumerable.Range(0, Orientations.Count).Select(o => Responses[channel, o])];
    }

    /// <summary>
    /// The channel's response to a line whose normal points at <paramref name="degrees"/> (any angle; lines repeat every 180°),
    /// interpolated linearly between the measured orientations.
    /// </summary>
    public double Response(int channel, double degrees)
    {
        var row = Row(channel);
        double step = 180.0 / row.Length;
        double f = (((degrees % 180) + 180) % 180) / step;
        int a = (int)Math.Floor(f) % row.Length, b = (a + 1) % row.Length;
        double t = f - Math.Floor(f);
        return row[a] * (1 - t) + row[b] * t;
    }

    /// <summary>The channel's preferred line normal in degrees.</summary>
    public double Preferred(int channel)
    {
        var row = Row(channel);
        return Orientations[Array.IndexOf(row, row.Max())];
    }

    /// <summary>Peak over mean of the channel's responses: 1 for a channel blind to orientation (∞ when the mean is 0).</summary>
    public double PeakToMean(int channel)
    {
        var row = Row(channel);
        double mean = row.Average();
        return mean > 0 ? row.Max() / mean : row.Max() > 0 ? double.PositiveInfinity : 1;
    }

    /// <summary>
    /// Measures every channel of <paramref name="layer"/> at its central position: dark lines of <paramref name="length"/> px
    /// on grey, their normals every <paramref name="step"/>° over [0, 180), each shifted sideways by every one of
    /// <paramref name="shifts"/> px (default −6…6 in steps of 2), keeping each channel's best shift per orientation so that
    /// a line missing a unit's sweet spot does not count as a preference.
    /// </summary>
    public static LineTuning Measure(HookedModel model, string layer, double step = 15, IReadOnlyList<double>? shifts = null, double length = 24,
        double lineWidth = 3, StimulusStyle? style = null)
    {
        if (step <= 0 || 180 % step > 1e-9) throw new ArgumentOutOfRangeException(nameof(step), step, "The step must divide 180°, e.g. 15 or 30.");
        style ??= new StimulusStyle(Size: model.Input.Size);
        shifts ??= [-6, -4, -2, 0, 2, 4, 6];
        if (shifts.Count == 0) throw new ArgumentException("Give at least one shift (0 draws the line through the field's centre).", nameof(shifts));
        var (_, cx, cy) = CurveSearch.CentralField(model, layer, style);
        var orientations = Enumerable.Range(0, (int)Math.Round(180 / step)).Select(i => i * step).ToList();
        var lines = (from o in orientations from d in shifts select CurveSearch.ShiftAlongNormal(new Arc(o, 0, length, lineWidth), d, cx, cy)).ToList();
        using var set = Stimulus.Arcs(lines, style);
        var r = Tuning.LayerResponses(model, layer, set.Images);
        int channels = r.GetLength(1);
        var responses = new double[channels, orientations.Count];
        for (int c = 0; c < channels; c++)
            for (int o = 0; o < orientations.Count; o++)
                responses[c, o] = Enumerable.Range(0, shifts.Count).Max(k => r[o * shifts.Count + k, c]);
        return new LineTuning(layer, orientations, responses);
    }
}
