using static TorchSharp.torch;

namespace Interp.Models.Vit;

/// <summary>
/// An identity module that gives an intermediate tensor a stable hook name, as TransformerLens's HookPoint does
/// (e.g. <c>blocks.0.attn.hook_pattern</c>): hooks read or replace the tensor there.
/// </summary>
public sealed class HookPoint(string name) : nn.Module<Tensor, Tensor>(name)
{
    /// <inheritdoc/>
    public override Tensor forward(Tensor x) => x;
}
