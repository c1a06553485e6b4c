using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Models.ConvNeXt;

/// <summary>
/// A toy ConvNeXt image tower: <c>stem</c> (a patchify convolution and a LayerNorm), stages <c>stage1</c>, <c>stage2</c>, … of
/// <see cref="ConvNeXtBlock"/>s (<c>stage{s}.block{b}</c>), each stage after the first opened by <c>downsample</c> (LayerNorm, 2×2
/// stride-2 convolution); global average pooling, <c>norm</c> (LayerNorm) and <c>proj</c> (no bias) to the embedding.
/// Every stage's output is a map [N, C, H, W], hookable as the CNN toy CLIP's stages are. Input: images already normalized.
/// </summary>
public sealed class ConvNeXtImageTower : nn.Module<Tensor, Tensor>
{
    readonly Sequential stem;
    readonly Sequential[] _stages;
    readonly LayerNorm norm;
    readonly Linear proj;

    /// <summary>A tower of <paramref name="settings"/> with weights drawn from <paramref name="seed"/>.</summary>
    public ConvNeXtImageTower(string name, ConvNeXtSettings settings, long seed = 0) : base(name)
    {
        Settings = settings.Validate();
        var w = settings.Widths;
        stem = nn.Sequential(("0", new PatchEmbedding("0", 3, w[0], settings.Stem, hasBias: true)), ("1", new LayerNorm2d("1", w[0])));
        _stages = new Sequential[w.Count];
        for (int s = 0; s < w.Count; s++)
        {
            var parts = new List<(string, nn.Module<Tensor, Tensor>)>();
            if (s > 0)
                parts.Add(("downsample", nn.Sequential(("0", new LayerNorm2d("0", w[s - 1])), ("1", new PatchEmbedding("1", w[s - 1], w[s], 2, hasBias: true)))));
            for (int b = 0; b < settings.Depths[s]; b++)
                parts.Add(($"block{b}", new ConvNeXtBlock($"block{b}", w[s], settings.Kernel, settings.MlpRatio, settings.LayerScale)));
            _stages[s] = nn.Sequential(parts);
        }
        norm = nn.LayerNorm(w[^1], eps: 1e-6);
        proj = nn.Linear(w[^1], settings.OutputDim, hasBias: false);
        RegisterComponents();
        for (int s = 0; s < w.Count; s++) register_module($"stage{s + 1}", _stages[s]);
        // Redraw every matrix from the seed (truncated-normal-like: normal × 0.02 would be ConvNeXt's; scaled by fan-in here, as the
        // ViT tower is, so a short run trains), zero every bias; norms stay 1 and layer scales at their setting: a seed is a model.
        var generator = new Generator().manual_seed(seed);
        using (no_grad())
            foreach (var (n, p) in named_parameters())
            {
                if (n.EndsWith("gamma", StringComparison.Ordinal)) continue;
                if (p.ndim >= 2) p.copy_(randn(p.shape, generator: generator) / Math.Sqrt(p[0].numel()));
                else if (!IsNormWeight(n)) p.zero_();
            }
    }

    static bool IsNormWeight(string name) =>
        name.EndsWith(".weight", StringComparison.Ordinal) && (name.StartsWith("norm", StringComparison.Ordinal) || name.Contains(".norm.", StringComparison.Ordinal)
            || name.StartsWith("stem.1", StringComparison.Ordinal) || name.Contains("downsample.0", StringComparison.Ordinal));

    /// <summary>The tower's shape.</summary>
    public ConvNeXtSettings Settings { get; }

    /// <summary>Image embeddings [N, output]: the last stage pooled over positions, normalized and projected.</summary>
    public override Tensor forward(Tensor images)
    {
        long size = Settings.ImageSize;
        if (images.ndim != 4 || images.shape[1] != 3 || images.shape[2] != size || images.shape[3] != size)
            throw new ArgumentException($"The tower takes images [N, 3, {size}, {size}]; got [{string.Join(", ", images.shape)}].", nameof(images));
        using var scope = NewDisposeScope();
        var x = stem.call(images);
        foreach (var stage in _stages) x = stage.call(x);
        return proj.call(norm.call(x.mean([2, 3]))).MoveToOuterDisposeScope();
    }
}
