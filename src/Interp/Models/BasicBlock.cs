using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Models;

/// <summary>
/// A ResNet basic block with torchvision's parameter names. Hook points: <c>conv1</c>, <c>bn1</c>,
/// <c>relu1</c>, <c>conv2</c>, <c>bn2</c>, <c>downsample.0</c>/<c>.1</c>, <c>add</c> (the residual sum
/// before the final ReLU) and <c>relu2</c> (the block output, the same tensor as the block itself).
/// </summary>
public sealed class BasicBlock : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv1, conv2;
    readonly BatchNorm2d bn1, bn2;
    readonly ReLU relu1, relu2;
    readonly Identity add;
    readonly Sequential? downsample;
    readonly long _stride;
    readonly ResNetPadding _padding;

    /// <summary>Creates a block mapping <paramref name="inChannels"/> to <paramref name="outChannels"/> with the given stride.</summary>
    public BasicBlock(string name, long inChannels, long outChannels, long stride, ResNetPadding padding) : base(name)
    {
        _stride = stride;
        _padding = padding;
        bool asym = padding == ResNetPadding.CntkAsymmetric && stride != 1;
        conv1 = nn.Conv2d(inChannels, outChannels, 3, stride: stride, padding: asym ? 0 : 1, bias: false);
        bn1 = nn.BatchNorm2d(outChannels);
        relu1 = nn.ReLU();
        conv2 = nn.Conv2d(outChannels, outChannels, 3, stride: 1, padding: 1, bias: false);
        bn2 = nn.BatchNorm2d(outChannels);
        add = nn.Identity();
        relu2 = nn.ReLU();
        if (stride != 1 || inChannels != outChannels)
            downsample = nn.Sequential(nn.Conv2d(inChannels, outChannels, 1, stride: stride, bias: false), nn.BatchNorm2d(outChannels));
        RegisterComponents();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var input = _padding == ResNetPadding.CntkAsymmetric && _stride != 1 ? SamePadding.Apply(x, 3, _stride) : x;
        var h = relu1.call(bn1.call(conv1.call(input)));
        h = bn2.call(conv2.call(h));
        var shortcut = downsample is null ? x : downsample.call(x);
        var y = relu2.call(add.call(h + shortcut));
        return y.MoveToOuterDisposeScope();
    }
}
