namespace Interp.Stimuli;

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
