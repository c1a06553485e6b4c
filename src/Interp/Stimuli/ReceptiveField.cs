namespace Interp.Stimuli;

/// <summary>
/// The input pixels a unit (a channel at one position of a layer) can see: rows <see cref="Top"/>..<see cref="Bottom"/>
/// and columns <see cref="Left"/>..<see cref="Right"/> (inclusive) of an <see cref="InputSize"/>² image, clipped to it.
/// </summary>
public sealed record ReceptiveField(string Layer, int Y, int X, int InputSize, int Top, int Left, int Bottom, int Right)
{
    /// <summary>Rows covered.</summary>
    public int Height => Bottom - Top + 1;
    /// <summary>Columns covered.</summary>
    public int Width => Right - Left + 1;
    /// <summary>Whether the field reaches an edge of the image (so its full extent may be larger).</summary>
    public bool Clipped => Top == 0 || Left == 0 || Bottom == InputSize - 1 || Right == InputSize - 1;

    /// <inheritdoc/>
    public override string ToString() => $"{Layer}@{Y},{X}: rows {Top}..{Bottom}, columns {Left}..{Right} ({Height}×{Width} px of {InputSize}²{(Clipped ? ", clipped" : "")})";
}
