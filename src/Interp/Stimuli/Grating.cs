namespace Interp.Stimuli;

/// <summary>A sinusoidal grating: stripes perpendicular to <paramref name="Orientation"/> (the direction the wave travels).</summary>
/// <param name="Orientation">Degrees, counter-clockwise, of the wave vector.</param>
/// <param name="Frequency">Cycles per pixel (below 0.5).</param>
/// <param name="Phase">Degrees; 0 puts a crest (full ink) through the image centre.</param>
/// <param name="Contrast">0 (background only) … 1 (full ink at the crests).</param>
public sealed record Grating(double Orientation, double Frequency, double Phase = 0, double Contrast = 1);
