using System.Globalization;
using System.Text.RegularExpressions;

namespace Interp.Units;

/// <summary>
/// The address of what we study: a layer, optionally one channel of it, and optionally one spatial
/// position. Printed and parsed as <c>layer3.1.conv2</c>, <c>layer3.1.conv2:42</c> or
/// <c>layer3:42@7,7</c> (row 7, column 7). The same address is used by feature visualization,
/// tuning curves, dataset examples and weights.
/// </summary>
public sealed partial record Unit(string Layer, int? Channel = null, SpatialPosition? Position = null)
{
    [GeneratedRegex(@"^\s*(?<layer>[A-Za-z_][\w.\-/]*)\s*(?::\s*(?<ch>-?\d+)\s*(?:@\s*(?<y>-?\d+)\s*,\s*(?<x>-?\d+)\s*)?)?$")]
    private static partial Regex Pattern();

    /// <summary>Parses <c>layer</c>, <c>layer:channel</c> or <c>layer:channel@y,x</c>.</summary>
    /// <exception cref="FormatException">The text is not such an address.</exception>
    public static Unit Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var m = Pattern().Match(text);
        if (!m.Success)
            throw new FormatException($"'{text}' is not a unit address. Write 'layer', 'layer:channel' or 'layer:channel@y,x', e.g. 'layer3.1.conv2:42' or 'layer3:42@7,7'.");
        int? ch = m.Groups["ch"].Success ? int.Parse(m.Groups["ch"].Value, CultureInfo.InvariantCulture) : null;
        SpatialPosition? pos = m.Groups["y"].Success
            ? new SpatialPosition(int.Parse(m.Groups["y"].Value, CultureInfo.InvariantCulture), int.Parse(m.Groups["x"].Value, CultureInfo.InvariantCulture))
            : null;
        if (ch < 0) throw new FormatException($"'{text}': a channel index cannot be negative.");
        if (pos is { } p && (p.Y < 0 || p.X < 0)) throw new FormatException($"'{text}': a position cannot be negative.");
        return new Unit(m.Groups["layer"].Value, ch, pos);
    }

    /// <summary>Parses like <see cref="Parse"/>, returning false instead of throwing.</summary>
    public static bool TryParse(string? text, out Unit? unit)
    {
        unit = null;
        if (text is null) return false;
        try { unit = Parse(text); return true; }
        catch (FormatException) { return false; }
    }

    /// <summary>Implicit conversion from an address string, so APIs accept <c>"layer3:42"</c> directly.</summary>
    public static implicit operator Unit(string text) => Parse(text);

    /// <summary>The same layer with a channel.</summary>
    public Unit WithChannel(int channel) => this with { Channel = channel };

    /// <summary>The same unit at a spatial position.</summary>
    public Unit At(int y, int x) => Channel is null
        ? throw new InvalidOperationException($"'{this}' has no channel; a position needs one (e.g. '{Layer}:0@{y},{x}').")
        : this with { Position = new SpatialPosition(y, x) };

    /// <summary>
    /// Checks the channel and position against an activation shape [N, C, H, W] (or [N, C]).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The channel or position is outside the layer.</exception>
    public void Validate(IReadOnlyList<long> shape)
    {
        if (Channel is { } c)
        {
            if (shape.Count < 2)
                throw Range($"'{this}': layer '{Layer}' has output shape [{string.Join(",", shape)}], with no channel dimension.");
            if (c >= shape[1])
                throw Range($"'{this}': layer '{Layer}' has {shape[1]} channels; valid channels are 0..{shape[1] - 1}.");
        }
        if (Position is { } p)
        {
            if (shape.Count != 4)
                throw Range($"'{this}': layer '{Layer}' has output shape [{string.Join(",", shape)}], with no spatial dimensions.");
            if (p.Y >= shape[2] || p.X >= shape[3])
                throw Range($"'{this}': layer '{Layer}' is {shape[2]}x{shape[3]} at this input size; valid positions are y in 0..{shape[2] - 1}, x in 0..{shape[3] - 1}.");
        }
    }

    static ArgumentOutOfRangeException Range(string message) => new(message, (Exception?)null);

    /// <summary>Prints the canonical address, the inverse of <see cref="Parse"/>.</summary>
    public override string ToString() =>
        Layer + (Channel is { } c ? ":" + c.ToString(CultureInfo.InvariantCulture) : "") + (Position is { } p ? "@" + p : "");
}
