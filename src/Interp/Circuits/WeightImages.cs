using Interp.Images;
using static TorchSharp.torch;

namespace Interp.Circuits;

/// <summary>
/// Pictures of weights as the Circuits articles draw them: each kernel a small map, positive red, negative blue, white 0, on
/// one colour scale for the whole figure; the strongest inputs of a unit as small multiples labelled by what each input detects.
/// </summary>
public static class WeightImages
{
    /// <summary>A kernel [h, w] as an RGB image [3, h, w]: +<paramref name="scale"/> full red, −scale full blue (values beyond clip).</summary>
    public static Tensor Diverging(Tensor kernel, double scale)
    {
        if (kernel.ndim != 2) throw new ArgumentException($"Give one kernel [h, w]; got [{string.Join(", ", kernel.shape)}].", nameof(kernel));
        if (!(scale > 0)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale must be positive (e.g. the largest |weight| in the figure).");
        using var scope = NewDisposeScope();
        return Colormap.RedBlue.Apply(kernel.to(float64) / (2 * scale) + 0.5).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The <paramref name="count"/> strongest inputs of an expanded weight: when <paramref name="pictures"/> are given (one per
    /// input, e.g. cached feature visualizations of those channels), a row of pictures above a row of kernels; every kernel
    /// on the colour scale of the largest |weight| shown.
    /// </summary>
    public static ImageGrid Strongest(ExpandedWeight weight, int count, IReadOnlyList<Tensor>? pictures = null, int cellPixels = 96)
    {
        var strongest = weight.Strongest(count);
        if (pictures is not null && pictures.Count != strongest.Count)
            throw new ArgumentException($"Give one picture per input shown ({strongest.Count}); got {pictures.Count}.", nameof(pictures));
        double scale;
        using (var idx = tensor(strongest.Select(s => (long)s.Channel).ToArray()))
        using (var shown = weight.Weights.index_select(0, idx))
            scale = Math.Max(shown.abs().max().item<float>(), 1e-12);
        var cells = new List<GridCell>();
        if (pictures is not null)
            cells.AddRange(strongest.Select((s, i) => new GridCell(pictures[i].clone(), $"{weight.From}:{s.Channel}")));
        cells.AddRange(strongest.Select(s => new GridCell(Diverging(weight.Weights[s.Channel], scale), $"‖w‖ {s.Norm:0.###}")));
        return new ImageGrid(cells, strongest.Count, $"Strongest inputs from '{weight.From}' to {weight.To} (red +, blue −, scale ±{scale:0.####})", cellPixels);
    }
}
