using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Tests.Hooks;

/// <summary>
/// A hand-built model with known weights: conv (3→2, 1×1: channel 0 = r + g + b, channel 1 = r − b,
/// bias 0) → relu → global mean → a linear layer summing the two channels.
/// </summary>
internal sealed class TinyNet : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv;
    readonly ReLU relu;
    readonly AdaptiveAvgPool2d pool;
    readonly Linear head;

    public TinyNet() : base("tiny")
    {
        conv = nn.Conv2d(3, 2, 1, bias: false);
        relu = nn.ReLU();
        pool = nn.AdaptiveAvgPool2d(1);
        head = nn.Linear(2, 1, hasBias: false);
        RegisterComponents();
        using var _ = no_grad();
        conv.weight!.copy_(tensor(new float[] { 1, 1, 1, 1, 0, -1 }, [2, 3, 1, 1]));
        head.weight!.copy_(tensor(new float[] { 1, 1 }, [1, 2]));
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = pool.call(relu.call(conv.call(x))).flatten(1);
        return head.call(h).MoveToOuterDisposeScope();
    }
}
