namespace Interp.Stimuli;

/// <summary>
/// How stimuli are drawn: image size, background and ink colours (RGB in [0, 1]) and anti-aliasing.
/// Coordinates are pixels with (0, 0) at the top-left corner of the image (pixel centres at +0.5); angles are
/// degrees counter-clockwise on screen, 0° pointing right and 90° pointing up.
/// </summary>
/// <param name="Size">Image side in pixels.</param>
/// <param name="Background">Background colour; default mid-grey.</param>
/// <param name="Ink">Ink colour; default black.</param>
/// <param name="Supersampling">Sub-samples per pixel side for anti-aliasing (coverage is averaged over Supersampling² points).</param>
public sealed record StimulusStyle(int Size = 224, float[]? Background = null, float[]? Ink = null, int Supersampling = 4)
{
    /// <summary>The background colour, mid-grey unless set.</summary>
    public float[] BackgroundColour => Background ?? [0.5f, 0.5f, 0.5f];
    /// <summary>The ink colour, black unless set.</summary>
    public float[] InkColour => Ink ?? [0f, 0f, 0f];

    /// <summary>Checks the style's values, with a message naming what is wrong.</summary>
    public void Validate()
    {
        if (Size < 4) throw new ArgumentOutOfRangeException(nameof(Size), Size, "A stimulus needs at least 4×4 pixels.");
        if (Supersampling < 1 || Supersampling > 16) throw new ArgumentOutOfRangeException(nameof(Supersampling), Supersampling, "Supersampling is 1 (none) to 16.");
        foreach (var (name, c) in new[] { ("Background", BackgroundColour), ("Ink", InkColour) })
            if (c.Length != 3 || c.Any(v => v < 0 || v > 1 || float.IsNaN(v)))
                throw new ArgumentException($"{name} must be three RGB values in [0, 1]; got [{string.Join(", ", c)}].");
    }
}
