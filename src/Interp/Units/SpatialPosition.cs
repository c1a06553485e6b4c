namespace Interp.Units;

/// <summary>A spatial position in an activation map: row <paramref name="Y"/>, column <paramref name="X"/> (0-based).</summary>
public readonly record struct SpatialPosition(int Y, int X)
{
    /// <summary>Prints as <c>y,x</c>, the form used after <c>@</c> in a unit address.</summary>
    public override string ToString() => FormattableString.Invariant($"{Y},{X}");
}
