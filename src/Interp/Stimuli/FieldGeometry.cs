namespace Interp.Stimuli;

/// <summary>
/// The receptive fields of all positions of a layer: position (y, x) sees rows <see cref="StartY"/> + y·<see cref="Jump"/>
/// onwards and columns <see cref="StartX"/> + x·<see cref="Jump"/> onwards, <see cref="Size"/> pixels each (before clipping to
/// the image; starts may be negative).
/// </summary>
public sealed record FieldGeometry(string Layer, int InputSize, int Size, int Jump, int StartY, int StartX)
{
    /// <summary>The field of position (<paramref name="y"/>, <paramref name="x"/>), clipped to the image.</summary>
    public ReceptiveField At(int y, int x)
    {
        int top = StartY + y * Jump, left = StartX + x * Jump;
        return new ReceptiveField(Layer, y, x, InputSize, Math.Max(0, top), Math.Max(0, left),
            Math.Min(InputSize - 1, top + Size - 1), Math.Min(InputSize - 1, left + Size - 1));
    }
}
