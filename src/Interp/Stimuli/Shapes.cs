namespace Interp.Stimuli;

/// <summary>
/// A curve stimulus: an arc of a circle (or, at curvature 0, a straight segment) of a given length, stroked with a
/// line of <paramref name="LineWidth"/> px, its midpoint at (<paramref name="X"/>, <paramref name="Y"/>) (default: the
/// image centre). <paramref name="Orientation"/> is the direction the arc bulges towards (its outward normal at the
/// midpoint); for a straight segment it is the segment's normal, so the segment runs along Orientation + 90°. Fixing the
/// length rather than the angle keeps the ink constant as curvature changes. With <paramref name="Filled"/>, the region
/// between the arc and its chord is filled too.
/// </summary>
/// <param name="Orientation">Degrees, counter-clockwise, 0° = bulging right, 90° = bulging up.</param>
/// <param name="Curvature">1 / radius in 1/px; 0 is a straight segment; negative bulges the other way.</param>
/// <param name="Length">Arc length in px (a length beyond the circumference draws the whole circle).</param>
/// <param name="LineWidth">Stroke width in px.</param>
/// <param name="X">Midpoint column in px; null: the image centre.</param>
/// <param name="Y">Midpoint row in px; null: the image centre.</param>
/// <param name="Filled">Also fill the segment between arc and chord.</param>
public sealed record Arc(double Orientation, double Curvature, double Length = 60, double LineWidth = 4, double? X = null, double? Y = null, bool Filled = false);

/// <summary>A sinusoidal grating: stripes perpendicular to <paramref name="Orientation"/> (the direction the wave travels).</summary>
/// <param name="Orientation">Degrees, counter-clockwise, of the wave vector.</param>
/// <param name="Frequency">Cycles per pixel (below 0.5).</param>
/// <param name="Phase">Degrees; 0 puts a crest (full ink) through the image centre.</param>
/// <param name="Contrast">0 (background only) … 1 (full ink at the crests).</param>
public sealed record Grating(double Orientation, double Frequency, double Phase = 0, double Contrast = 1);

/// <summary>
/// A high–low frequency boundary: a grating of <paramref name="HighFrequency"/> on one side of a straight boundary through
/// the midpoint and one of <paramref name="LowFrequency"/> on the other (0: plain background). <paramref name="Orientation"/>
/// points from the low side to the high side.
/// </summary>
public sealed record FrequencyBoundary(double Orientation, double HighFrequency = 0.25, double LowFrequency = 0, double? X = null, double? Y = null);

/// <summary>
/// A corner: two straight arms of <paramref name="ArmLength"/> px meeting at an <paramref name="Angle"/>, their meeting
/// rounded by a circular arc of <paramref name="Radius"/> px (0: a sharp corner), stroked with <paramref name="LineWidth"/> px.
/// Like the rounded corners of the curve-detector studies it separates curvature at one point (the radius) from the
/// straight context around it. <paramref name="Orientation"/> is the direction the corner points (as an arc's bulge), and the
/// corner's outermost point on its centre line sits at (<paramref name="X"/>, <paramref name="Y"/>) whatever the radius.
/// </summary>
/// <param name="Orientation">Degrees, counter-clockwise, 0° = pointing right, 90° = pointing up.</param>
/// <param name="Angle">The opening between the arms in degrees, in (0, 180): 90 is a right angle, near 180 almost straight.</param>
/// <param name="Radius">Radius of the rounding in px (≥ 0).</param>
/// <param name="ArmLength">Length of each straight arm beyond the rounding, in px.</param>
/// <param name="LineWidth">Stroke width in px.</param>
/// <param name="X">Column of the outermost point in px; null: the image centre.</param>
/// <param name="Y">Row of the outermost point in px; null: the image centre.</param>
public sealed record Corner(double Orientation, double Angle = 90, double Radius = 0, double ArmLength = 20, double LineWidth = 4, double? X = null, double? Y = null);
