namespace Interp.Models.Clip;

/// <summary>
/// The shape of an OpenAI CLIP model with the ModifiedResNet image tower (RN50, RN101, RN50x4, RN50x16, RN50x64),
/// read from a state dict exactly as OpenAI's <c>build_model</c> reads it.
/// </summary>
public sealed record ClipConfig(int EmbedDim, int ImageResolution, IReadOnlyList<int> VisionLayers, int VisionWidth,
    int ContextLength, int VocabSize, int TransformerWidth, int TransformerHeads, int TransformerLayers)
{
    /// <summary>Attention heads of the image tower's attention pooling (OpenAI: vision width · 32 / 64).</summary>
    public int VisionHeads => VisionWidth * 32 / 64;

    /// <summary>Channels entering the attention pooling (vision width · 32).</summary>
    public int VisionEmbedDim => VisionWidth * 32;

    /// <summary>The configuration <c>build_model</c> infers from the shapes of a state dict's tensors.</summary>
    public static ClipConfig FromShapes(IReadOnlyDictionary<string, long[]> shapes)
    {
        long[] Shape(string key) => shapes.TryGetValue(key, out var s) ? s
            : throw new InvalidDataException($"Not a CLIP state dict: it has no '{key}' (found {shapes.Count} tensors, e.g. {string.Join(", ", shapes.Keys.Take(4))}).");
        foreach (var key in new[] { "text_projection", "positional_embedding", "token_embedding.weight", "ln_final.weight" }) Shape(key);
        if (shapes.ContainsKey("visual.proj"))
            throw new NotSupportedException("This is a CLIP with a Vision Transformer image tower (ViT-B/32, …); the library builds the ModifiedResNet towers (RN50, RN101, " +
                "RN50x4, RN50x16, RN50x64).");
        var layers = Enumerable.Range(1, 4)
            .Select(b => shapes.Keys.Where(k => k.StartsWith($"visual.layer{b}.", StringComparison.Ordinal)).Select(k => k.Split('.')[2]).Distinct().Count())
            .ToList();
        if (layers.Any(n => n == 0)) throw new InvalidDataException($"Not a ModifiedResNet CLIP state dict: blocks per stage {string.Join(",", layers)}.");
        int width = (int)Shape("visual.layer1.0.conv1.weight")[0];
        long grid = Shape("visual.attnpool.positional_embedding")[0];
        int outputWidth = (int)Math.Round(Math.Sqrt(grid - 1));
        if (outputWidth * outputWidth + 1 != grid)
            throw new InvalidDataException($"visual.attnpool.positional_embedding has {grid} rows, not a square grid plus one.");
        int transformerWidth = (int)Shape("ln_final.weight")[0];
        int transformerLayers = shapes.Keys.Where(k => k.StartsWith("transformer.resblocks.", StringComparison.Ordinal)).Select(k => k.Split('.')[2]).Distinct().Count();
        return new ClipConfig(
            EmbedDim: (int)Shape("text_projection")[1],
            ImageResolution: outputWidth * 32,
            VisionLayers: layers,
            VisionWidth: width,
            ContextLength: (int)Shape("positional_embedding")[0],
            VocabSize: (int)Shape("token_embedding.weight")[0],
            TransformerWidth: transformerWidth,
            TransformerHeads: transformerWidth / 64,
            TransformerLayers: transformerLayers);
    }

    /// <inheritdoc/>
    public override string ToString() =>
        $"CLIP ModifiedResNet: embed {EmbedDim}, image {ImageResolution} px, layers [{string.Join(",", VisionLayers)}], width {VisionWidth}, " +
        $"text: context {ContextLength}, vocab {VocabSize}, width {TransformerWidth}, heads {TransformerHeads}, layers {TransformerLayers}";
}
