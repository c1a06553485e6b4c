using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Models.Vit;

/// <summary>
/// A vision transformer image tower as CLIP's: <c>embed</c> (a convolution with stride = kernel = the patch, no bias: <see cref="PatchEmbedding"/>) gives one
/// token per patch, row by row; a learned class token goes first; learned positions are added (<c>pos_embed</c> is the sum);
/// <c>ln_pre</c>; the blocks (<c>blocks.{l}</c>, see <see cref="VitBlock"/>); <c>ln_post</c> on the class token; the projection.
/// Hook names follow TransformerLens / Prisma. Input: images already normalized for the model, [N, 3, size, size].
/// </summary>
public sealed class VitImageTower : nn.Module<Tensor, Tensor>
{
    readonly PatchEmbedding embed;
    readonly Parameter class_embedding, positional_embedding, proj;
    readonly HookPoint pos_embed = new("pos_embed");
    readonly LayerNorm ln_pre, ln_post;
    readonly ModuleList<VitBlock> blocks;

    /// <summary>A tower of <paramref name="settings"/> with weights drawn from <paramref name="seed"/>.</summary>
    public VitImageTower(string name, VitSettings settings, long seed = 0) : base(name)
    {
        Settings = settings.Validate();
        var generator = new Generator().manual_seed(seed);
        using (no_grad())
        {
            embed = new PatchEmbedding("embed", 3, settings.Width, settings.Patch, hasBias: false);
            double scale = 1 / Math.Sqrt(settings.Width);
            class_embedding = new Parameter(randn([settings.Width], generator: generator) * scale);
            positional_embedding = new Parameter(randn([settings.Tokens, settings.Width], generator: generator) * scale);
            proj = new Parameter(randn([settings.Width, settings.OutputDim], generator: generator) * scale);
        }
        ln_pre = nn.LayerNorm(settings.Width);
        blocks = new ModuleList<VitBlock>([.. Enumerable.Range(0, settings.Layers).Select(l => new VitBlock($"{l}", settings.Width, settings.Heads, settings.MlpRatio))]);
        ln_post = nn.LayerNorm(settings.Width);
        RegisterComponents();
        // The modules' own initializations draw from the global generator: redraw every matrix from the seed (scaled by its fan-in)
        // and zero every bias, so that a seed is a model. LayerNorm weights stay 1.
        using (no_grad())
            foreach (var (n, p) in named_parameters())
            {
                if (n is "class_embedding" or "positional_embedding" or "proj") continue;
                if (p.ndim >= 2) p.copy_(randn(p.shape, generator: generator) * (1 / Math.Sqrt(p.shape[1] * (p.ndim == 4 ? p.shape[2] * p.shape[3] : 1))));
                else if (!(n.Contains("ln_", StringComparison.Ordinal) && n.EndsWith(".weight", StringComparison.Ordinal))) p.zero_();
            }
    }

    /// <summary>The tower's shape.</summary>
    public VitSettings Settings { get; }

    /// <summary>The blocks, in order.</summary>
    public IReadOnlyList<VitBlock> Blocks => [.. blocks];

    /// <summary>The final LayerNorm, applied to the class token.</summary>
    public LayerNorm LnPost => ln_post;

    /// <summary>The projection [width, output].</summary>
    public Tensor Projection => proj;

    /// <summary>The residual stream [N, tokens, width] before the blocks (class token first, positions added, after ln_pre).</summary>
    public Tensor Embed(Tensor images)
    {
        long size = Settings.ImageSize;
        if (images.ndim != 4 || images.shape[1] != 3 || images.shape[2] != size || images.shape[3] != size)
            throw new ArgumentException($"The tower takes images [N, 3, {size}, {size}] ({Settings.Grid}×{Settings.Grid} patches of {Settings.Patch} px); " +
                $"got [{string.Join(", ", images.shape)}].", nameof(images));
        using var scope = NewDisposeScope();
        var patches = embed.call(images).flatten(2).transpose(1, 2);                                        // [N, grid², width]
        var cls = class_embedding.view(1, 1, -1).expand(images.shape[0], 1, -1);
        var tokens = pos_embed.call(cat([cls, patches], 1) + positional_embedding);
        return ln_pre.call(tokens).MoveToOuterDisposeScope();
    }

    /// <summary>Image embeddings [N, output]: ln_post of the class token after the last block, times the projection.</summary>
    public override Tensor forward(Tensor images)
    {
        using var scope = NewDisposeScope();
        var x = Embed(images);
        foreach (var block in blocks) x = block.call(x);
        return ln_post.call(x.select(1, 0)).matmul(proj).MoveToOuterDisposeScope();
    }
}
