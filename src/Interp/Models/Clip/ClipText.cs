using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Models.Clip;

/// <summary>Multi-head self-attention with PyTorch's <c>nn.MultiheadAttention</c> parameters (<c>in_proj_weight</c>, <c>in_proj_bias</c>, <c>out_proj</c>),
/// sequence-first.</summary>
public sealed class ClipAttention : nn.Module<Tensor, Tensor>
{
    readonly Parameter in_proj_weight, in_proj_bias;
    readonly Linear out_proj;
    readonly int _heads;
    readonly bool _causal;

    /// <summary>Attention of <paramref name="width"/> channels in <paramref name="heads"/> heads; <paramref name="causal"/>: each position sees only itself and earlier ones
    /// (CLIP's text mask).</summary>
    public ClipAttention(int width, int heads, bool causal) : base(nameof(ClipAttention))
    {
        in_proj_weight = new Parameter(empty(3 * width, width));
        in_proj_bias = new Parameter(zeros(3 * width));
        nn.init.xavier_uniform_(in_proj_weight);
        register_parameter("in_proj_weight", in_proj_weight);
        register_parameter("in_proj_bias", in_proj_bias);
        out_proj = nn.Linear(width, width);
        register_module("out_proj", out_proj);
        _heads = heads;
        _causal = causal;
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var qkv = nn.functional.linear(x, in_proj_weight, in_proj_bias).chunk(3, -1);
        long l = x.shape[0];
        // OpenAI's additive mask: −∞ above the diagonal.
        var mask = _causal ? full(l, l, double.NegativeInfinity, dtype: x.dtype, device: x.device).triu(1) : null;
        var attended = MultiHead(x, qkv[0], qkv[1], qkv[2], _heads, mask);
        return out_proj.call(attended).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Scaled dot-product attention over [L, N, C] projections split into <paramref name="heads"/> heads, as
    /// PyTorch's <c>multi_head_attention_forward</c> (scores scaled by 1/√(C/heads), <paramref name="mask"/> added, softmax);
    /// returns [L, N, C] before the output projection.
    /// </summary>
    public static Tensor MultiHead(Tensor x, Tensor q, Tensor k, Tensor v, int heads, Tensor? mask)
    {
        using var scope = NewDisposeScope();
        long l = x.shape[0], n = x.shape[1], c = x.shape[2], d = c / heads;
        Tensor Split(Tensor t) => t.reshape(l, n * heads, d).transpose(0, 1);        // [N·heads, L, d]
        var scores = (Split(q) / Math.Sqrt(d)).bmm(Split(k).transpose(1, 2));         // [N·heads, L, L]
        if (mask is not null) scores = scores + mask.to(scores.dtype).to(scores.device);
        var output = scores.softmax(-1).bmm(Split(v));                                 // [N·heads, L, d]
        return output.transpose(0, 1).reshape(l, n, c).MoveToOuterDisposeScope();
    }
}

/// <summary>CLIP's QuickGELU: x·sigmoid(1.702·x).</summary>
public sealed class QuickGelu() : nn.Module<Tensor, Tensor>(nameof(QuickGelu))
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor x) => x * (x * 1.702).sigmoid();
}

/// <summary>A pre-norm transformer block: x + attn(ln_1(x)), then x + mlp(ln_2(x)), with OpenAI's names.</summary>
public sealed class ClipResidualBlock : nn.Module<Tensor, Tensor>
{
    readonly ClipAttention attn;
    readonly LayerNorm ln_1, ln_2;
    readonly nn.Module<Tensor, Tensor> mlp;

    /// <summary>A block of <paramref name="width"/> channels.</summary>
    public ClipResidualBlock(int width, int heads, bool causal) : base(nameof(ClipResidualBlock))
    {
        attn = new ClipAttention(width, heads, causal);
        ln_1 = nn.LayerNorm(width);
        mlp = nn.Sequential(("c_fc", nn.Linear(width, width * 4)), ("gelu", new QuickGelu()), ("c_proj", nn.Linear(width * 4, width)));
        ln_2 = nn.LayerNorm(width);
        register_module("attn", attn);
        register_module("ln_1", ln_1);
        register_module("mlp", mlp);
        register_module("ln_2", ln_2);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = x + attn.call(ln_1.call(x));
        return (x + mlp.call(ln_2.call(x))).MoveToOuterDisposeScope();
    }
}
