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
