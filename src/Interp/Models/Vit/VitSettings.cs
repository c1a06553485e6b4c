namespace Interp.Models.Vit;

/// <summary>
/// The shape of a toy vision transformer image tower, as CLIP's ViT: square patches embedded by a convolution, a class token,
/// learned positions, pre-LayerNorm blocks, <c>ln_post</c> on the class token and a projection.
/// </summary>
/// <param name="ImageSize">Side of the square input in pixels.</param>
/// <param name="Patch">Side of a patch; it must divide <paramref name="ImageSize"/>.</param>
/// <param name="Width">The residual stream's width.</param>
/// <param name="Layers">Transformer blocks.</param>
/// <param name="Heads">Attention heads per block; they must divide <paramref name="Width"/>.</param>
/// <param name="MlpRatio">The MLP's hidden width over <paramref name="Width"/>.</param>
/// <param name="OutputDim">The projection's output (the CLIP embedding's width).</param>
public sealed record VitSettings(int ImageSize = 64, int Patch = 8, int Width = 128, int Layers = 4, int Heads = 4, int MlpRatio = 4, int OutputDim = 128)
{
    /// <summary>Patches per side.</summary>
    public int Grid => ImageSize / Patch;

    /// <summary>Tokens: the class token and one per patch.</summary>
    public int Tokens => Grid * Grid + 1;

    /// <summary>Each head's width.</summary>
    public int HeadWidth => Width / Heads;

    /// <summary>Refuses shapes that cannot be built, saying what is valid.</summary>
    public VitSettings Validate()
    {
        if (Patch < 1 || ImageSize < Patch || ImageSize % Patch != 0)
        {
            var fits = Enumerable.Range(1, Math.Max(1, ImageSize)).Where(p => ImageSize % p == 0).ToList();
            throw new ArgumentException($"A patch of {Patch} px does not tile a {ImageSize} px image; patch sizes that fit: {string.Join(", ", fits)}.");
        }
        if (Width < 1 || Heads < 1 || Width % Heads != 0)
            throw new ArgumentException($"{Heads} heads do not divide a width of {Width}; each head must get a whole share of the width.");
        if (Layers < 1 || MlpRatio < 1 || OutputDim < 1)
            throw new ArgumentException($"Layers, MLP ratio and output width must be at least 1 (got {Layers}, {MlpRatio}, {OutputDim}).");
        return this;
    }
}
