using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Models.Vit;

/// <summary>
/// A pre-LayerNorm transformer block: <c>hook_resid_pre</c> → x + attn(ln_1 x) = <c>hook_resid_mid</c> → + mlp(ln_2 ·) =
/// <c>hook_resid_post</c>; the MLP's hidden activation after GELU is <c>mlp.hook_post</c>.
/// </summary>
public sealed class VitBlock : nn.Module<Tensor, Tensor>
{
    readonly LayerNorm ln_1, ln_2;
    readonly VitAttention attn;
    readonly VitMlp mlp;
    readonly HookPoint hook_resid_pre = new("hook_resid_pre"), hook_resid_mid = new("hook_resid_mid"), hook_resid_post = new("hook_resid_post");

    /// <summary>A block of <paramref name="width"/> with <paramref name="heads"/> heads and an MLP <paramref name="mlpRatio"/> times as wide.</summary>
    public VitBlock(string name, int width, int heads, int mlpRatio) : base(name)
    {
        ln_1 = nn.LayerNorm(width);
        attn = new VitAttention("attn", width, heads);
        ln_2 = nn.LayerNorm(width);
        mlp = new VitMlp("mlp", width, width * mlpRatio);
        RegisterComponents();
    }

    /// <summary>The attention layer.</summary>
    public VitAttention Attention => attn;

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var pre = hook_resid_pre.call(x);
        var mid = hook_resid_mid.call(pre + attn.call(ln_1.call(pre)));
        return hook_resid_post.call(mid + mlp.call(ln_2.call(mid))).MoveToOuterDisposeScope();
    }
}

/// <summary>The block's MLP: <c>c_fc</c>, GELU (<c>hook_post</c> after it), <c>c_proj</c>.</summary>
public sealed class VitMlp : nn.Module<Tensor, Tensor>
{
    readonly Linear c_fc, c_proj;
    readonly GELU gelu = nn.GELU();
    readonly HookPoint hook_post = new("hook_post");

    /// <summary>An MLP from <paramref name="width"/> through <paramref name="hidden"/> and back.</summary>
    public VitMlp(string name, int width, int hidden) : base(name)
    {
        c_fc = nn.Linear(width, hidden);
        c_proj = nn.Linear(hidden, width);
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return c_proj.call(hook_post.call(gelu.call(c_fc.call(x)))).MoveToOuterDisposeScope();
    }
}
