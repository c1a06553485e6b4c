using System.Globalization;

namespace Interp.Datasets;

/// <summary>
/// Part <see cref="Index"/> (0-based) of <see cref="Count"/> equal, contiguous image ranges: what one job of a Slurm
/// array or a Kubernetes indexed Job scans. Written "i/n", e.g. "3/16".
/// </summary>
public readonly record struct Shard(int Index, int Count)
{
    /// <summary>The whole dataset.</summary>
    public static Shard All => new(0, 1);

    /// <summary>Parses "i/n" with 0 ≤ i &lt; n.</summary>
    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var i)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && i < n)
            return new Shard(i, n);
        throw new FormatException($"A shard is written 'i/n' with 0 ≤ i < n, e.g. '0/4' for the first of four; got '{text}'.");
    }

    /// <summary>The images [start, end) of this shard out of <paramref name="images"/>.</summary>
    public (int Start, int End) Range(int images)
    {
        if (Count < 1 || Index < 0 || Index >= Count) throw new ArgumentOutOfRangeException(nameof(Index), $"Shard {Index}/{Count} is not valid; 0 ≤ i < n.");
        return ((int)((long)images * Index / Count), (int)((long)images * (Index + 1) / Count));
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Index}/{Count}";
}
