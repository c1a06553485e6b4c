namespace Interp.Models.ConvNeXt;

/// <summary>
/// The shape of a toy ConvNeXt image tower (Liu et al. 2022): a patchify stem, then stages of ConvNeXt blocks (depthwise 7×7,
/// LayerNorm, an inverted bottleneck MLP, layer scale), each later stage opened by a LayerNorm and a 2×2 stride-2 downsampling;
/// global average pooling, LayerNorm and a projection.
/// </summary>
/// <param name="ImageSize">Side of the square input in pixels.</param>
/// <param name="Stem">The stem's patch (= stride); it must divide <paramref name="ImageSize"/>.</param>
/// <param name="Widths">Channels of each stage.</param>
/// <param name="Depths">Blocks in each stage (as many entries as <paramref name="Widths"/>).</param>
/// <param name="Kernel">The depthwise convolution's side (odd).</param>
/// <param name="MlpRatio">The inverted bottleneck's hidden width over the stage's width.</param>
/// <param name="LayerScale">The layer scale's initial value.</param>
/// <param name="OutputDim">The projection's output (the CLIP embedding's width).</param>
public sealed record ConvNeXtSettings(int ImageSize, int Stem, IReadOnlyList<int> Widths, IReadOnlyList<int> Depths, int Kernel = 7, int MlpRatio = 4,
    double LayerScale = 0.1, int OutputDim = 128)
{
    /// <summary>The toy world's tower: 64 px, a 4×4 stem, stages of 32, 64 and 128 channels (16×16, 8×8, 4×4), two blocks each.</summary>
    public static ConvNeXtSettings Toy { get; } = new(64, 4, [32, 64, 128], [2, 2, 2]);

    /// <summary>The side of stage <paramref name="stage"/>'s maps.</summary>
    public int SideOf(int stage) => ImageSize / Stem >> stage;

    /// <summary>Refuses shapes that cannot be built, saying what is valid.</summary>
    public ConvNeXtSettings Validate()
    {
        if (Widths.Count == 0 || Widths.Count != Depths.Count)
            throw new ArgumentException($"Give one depth per stage: {Widths.Count} widths and {Depths.Count} depths.");
        if (Widths.Any(w => w < 1) || Depths.Any(d => d < 1) || MlpRatio < 1 || OutputDim < 1 || LayerScale <= 0)
            throw new ArgumentException($"Widths, depths, MLP ratio and output must be at least 1 and the layer scale positive ({this}).");
        if (Kernel < 1 || Kernel % 2 == 0)
            throw new ArgumentException($"The depthwise kernel must be odd so that padding keeps the map's size; got {Kernel}.");
        int downsamples = Widths.Count - 1;
        if (Stem < 1 || ImageSize % (Stem << downsamples) != 0)
        {
            var fits = Enumerable.Range(1, Math.Max(1, ImageSize)).Where(s => ImageSize % (s << downsamples) == 0).ToList();
            throw new ArgumentException($"A {Stem} px stem and {downsamples} halvings do not tile a {ImageSize} px image; stems that fit: {string.Join(", ", fits)}.");
        }
        return this;
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"ConvNeXtSettings {{ ImageSize = {ImageSize}, Stem = {Stem}, Widths = [{string.Join(", ", Widths)}], Depths = [{string.Join(", ", Depths)}], Kernel = {Kernel}, " +
        $"MlpRatio = {MlpRatio}, LayerScale = {LayerScale}, OutputDim = {OutputDim} }}";
}
