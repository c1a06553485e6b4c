using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Models.Vit;

/// <summary>
/// Multi-head self-attention with every intermediate named as in TransformerLens: <c>hook_q</c>, <c>hook_k</c>, <c>hook_v</c>
/// [N, T, heads, d_head], <c>hook_pattern</c> [N, heads, T_query, T_key] (rows sum to 1), <c>hook_z</c> [N, T, heads, d_head] and
/// <c>hook_result</c> [N, T, heads, width]: each head's output through its slice of the output matrix, which summed over heads
/// plus the output bias is the layer's output — so a head can be read, ablated or patched on its own.
/// </summary>
public sealed class VitAttention : nn.Module<Tensor, Tensor>
{
    readonly Linear W_Q, W_K, W_V, W_O;
    readonly HookPoint hook_q = new("hook_q"), hook_k = new("hook_k"), hook_v = new("hook_v"), hook_pattern = new("hook_pattern"),
        hook_z = new("hook_z"), hook_result = new("hook_result");
    readonly int _heads;

    /// <summary>Attention of <paramref name="width"/> with <paramref name="heads"/> heads.</summary>
    public VitAttention(string name, int width, int heads) : base(name)
    {
        if (heads < 1 || width % heads != 0) throw new ArgumentException($"{heads} heads do not divide a width of {width}.", nameof(heads));
        _heads = heads;
        W_Q = nn.Linear(width, width);
        W_K = nn.Linear(width, width);
        W_V = nn.Linear(width, width);
        W_O = nn.Linear(width, width);
        RegisterComponents();
    }

    /// <summary>Heads.</summary>
    public int Heads => _heads;

    /// <summary>The query, key, value and output maps (weights [out, in], as <see cref="Linear"/> keeps them).</summary>
    public (Linear Q, Linear K, Linear V, Linear O) Maps => (W_Q, W_K, W_V, W_O);

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        long n = x.shape[0], t = x.shape[1], w = x.shape[2], d = w / _heads;
        var q = hook_q.call(W_Q.call(x).view(n, t, _heads, d));
        var k = hook_k.call(W_K.call(x).view(n, t, _heads, d));
        var v = hook_v.call(W_V.call(x).view(n, t, _heads, d));
        var scores = q.permute(0, 2, 1, 3).matmul(k.permute(0, 2, 3, 1)) / Math.Sqrt(d);                 // [N, heads, T, T]
        var pattern = hook_pattern.call(scores.softmax(-1));
        var z = hook_z.call(pattern.matmul(v.permute(0, 2, 1, 3)).permute(0, 2, 1, 3));                  // [N, T, heads, d]
        // Each head's z through its slice of W_O, one batched product over heads (einsum's backward is slower here).
        var perHead = W_O.weight!.view(w, _heads, d).permute(1, 2, 0);                                    // [heads, d, width]
        var byHead = z.permute(2, 0, 1, 3).reshape(_heads, n * t, d).bmm(perHead);                        // [heads, N·T, width]
        var result = hook_result.call(byHead.view(_heads, n, t, w).permute(1, 2, 0, 3));                  // [N, T, heads, width]
        return (result.sum(2) + W_O.bias!).MoveToOuterDisposeScope();
    }
}
