namespace Interp.Stimuli;

/// <summary>
/// A high–low frequency boundary: a grating of <paramref name="HighFrequency"/> on one side of a straight boundary through
/// the midpoint and one of <paramref name="LowFrequency"/> on the other (0: plain background). <paramref name="Orientation"/>
/// points from the low side to the high side.
/// </summary>
public sealed record FrequencyBoundary(double Orientation, double HighFrequency = 0.25, double LowFrequency = 0, double? X = null, double? Y = null);
