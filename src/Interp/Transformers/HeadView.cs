using Interp.Hooks;
using static TorchSharp.torch;

namespace Interp.Transformers;

/// <summary>
/// One attention head's output [N, tokens, width], read from a ViT's <c>attn.hook_result</c> [N, tokens, heads, width]. Attached by
/// <see cref="TokenView.AttachAll"/> as <c>blocks.{l}.attn.hook_result/head{h}</c>, with <c>…/cls</c> and <c>…/grid</c> token views on top, so
/// a head's output at the class token is a layer of width channels like any other (feature visualization, scans, caches). Edits write
/// back into that head's slice only.
/// </summary>
public sealed class HeadView(int head) : ILayerView
{
    /// <summary>The head read.</summary>
    public int Head { get; } = head >= 0 ? head : throw new ArgumentOutOfRangeException(nameof(head), head, "Heads are numbered from 0.");

    /// <inheritdoc/>
    public string Kind => $"ViT attention head {Head}'s output";

    /// <inheritdoc/>
    public Tensor Read(Tensor source)
    {
        Require(source);
        return source.select(2, Head);
    }

    /// <inheritdoc/>
    public Tensor Write(Tensor source, Tensor read, Tensor edited)
    {
        Require(source);
        return cat([source[.., .., ..Head], edited.unsqueeze(2), source[.., .., (Head + 1)..]], 2);
    }

    void Require(Tensor source)
    {
        if (source.ndim != 4 || Head >= source.shape[2])
            throw new ArgumentException($"A head view reads attn.hook_result [N, tokens, heads, width] with more than {Head} heads; got [{string.Join(", ", source.shape)}].");
    }
}
