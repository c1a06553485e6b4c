using static TorchSharp.torch;

namespace Interp.Images;

/// <summary>Maps values in [0, 1] to RGB colours by piecewise-linear interpolation between anchor colours.</summary>
public sealed class Colormap
{
    readonly float[,] _anchors;

    /// <summary>Creates a colormap from anchors (RGB rows in [0, 1], at least two), spaced evenly over [0, 1].</summary>
    public Colormap(string name, float[,] anchors)
    {
        if (anchors.GetLength(0) < 2 || anchors.GetLength(1) != 3)
            throw new ArgumentException("A colormap needs at least two RGB anchors.", nameof(anchors));
        Name = name;
        _anchors = anchors;
    }

    /// <summary>The colormap's name.</summary>
    public string Name { get; }

    /// <summary>A perceptually ordered dark-purple → teal → yellow map (anchors sampled from viridis).</summary>
    public static Colormap Viridis { get; } = new("viridis", new float[,]
    {
        { 0.267f, 0.005f, 0.329f }, { 0.283f, 0.141f, 0.458f }, { 0.254f, 0.265f, 0.530f }, { 0.207f, 0.372f, 0.553f },
        { 0.164f, 0.471f, 0.558f }, { 0.128f, 0.567f, 0.551f }, { 0.135f, 0.659f, 0.518f }, { 0.267f, 0.749f, 0.441f },
        { 0.478f, 0.821f, 0.318f }, { 0.741f, 0.873f, 0.150f }, { 0.993f, 0.906f, 0.144f },
    });

    /// <summary>Diverging blue → white → red, for signed values such as weights (0.5 is zero).</summary>
    public static Colormap RedBlue { get; } = new("red-blue", new float[,]
    {
        { 0.129f, 0.400f, 0.675f }, { 0.573f, 0.773f, 0.871f }, { 1f, 1f, 1f }, { 0.957f, 0.647f, 0.510f }, { 0.698f, 0.094f, 0.169f },
    });

    /// <summary>Black to white.</summary>
    public static Colormap Gray { get; } = new("gray", new float[,] { { 0, 0, 0 }, { 1, 1, 1 } });

    /// <summary>Maps a tensor of values in [0, 1] (any shape S) to colours of shape [3, …S].</summary>
    public Tensor Apply(Tensor values)
    {
        using var scope = NewDisposeScope();
        int n = _anchors.GetLength(0);
        var lut = tensor(_anchors.Cast<float>().ToArray(), [n, 3]);
        var v = values.detach().to(float32).clamp(0, 1) * (n - 1);
        var lo = v.floor().clamp(0, n - 2).to(int64);
        var frac = (v - lo.to(float32)).unsqueeze(-1);
        var c = lut[lo] * (1 - frac) + lut[lo + 1] * frac;
        var dims = new long[c.ndim];
        dims[0] = c.ndim - 1;
        for (int i = 1; i < c.ndim; i++) dims[i] = i - 1;
        return c.permute(dims).contiguous().MoveToOuterDisposeScope();
    }
}
