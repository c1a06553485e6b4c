using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Models;

/// <summary>
/// A ResNet with basic blocks (ResNet-18/34 family) and torchvision's names: <c>conv1</c>, <c>bn1</c>,
/// <c>relu</c>, <c>maxpool</c>, <c>layer1</c>…<c>layer4</c> (blocks <c>layer3.1</c>, …), <c>avgpool</c>,
/// and an optional <c>fc</c>. The input goes through <c>preprocess</c> first, so the model takes
/// library images: RGB in [0, 1], NCHW.
/// </summary>
public sealed class ResNet : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> preprocess;
    readonly Conv2d conv1;
    readonly BatchNorm2d bn1;
    readonly ReLU relu;
    readonly MaxPool2d maxpool;
    readonly Sequential layer1, layer2, layer3, layer4;
    readonly AdaptiveAvgPool2d avgpool;
    readonly Linear? fc;
    readonly ResNetPadding _padding;

    /// <summary>Blocks per stage, e.g. [2,2,2,2] for torchvision's ResNet-18.</summary>
    public IReadOnlyList<int> Blocks { get; }

    /// <summary>Creates a ResNet. <paramref name="preprocess"/> maps library images to what the weights expect.</summary>
    public ResNet(string name, IReadOnlyList<int> blocks, ResNetPadding padding, nn.Module<Tensor, Tensor> preprocess, int? numClasses = null) : base(name)
    {
        if (blocks.Count != 4 || blocks.Any(b => b < 1))
            throw new ArgumentException($"A ResNet needs 4 stages with at least one block each; got [{string.Join(",", blocks)}].", nameof(blocks));
        Blocks = blocks;
        _padding = padding;
        this.preprocess = preprocess;
        bool asym = padding == ResNetPadding.CntkAsymmetric;
        conv1 = nn.Conv2d(3, 64, 7, stride: 2, padding: asym ? 0 : 3, bias: false);
        bn1 = nn.BatchNorm2d(64);
        relu = nn.ReLU();
        maxpool = nn.MaxPool2d(3, stride: 2, padding: asym ? 0 : 1);
        layer1 = Stage("layer1", 64, 64, blocks[0], 1);
        layer2 = Stage("layer2", 64, 128, blocks[1], 2);
        layer3 = Stage("layer3", 128, 256, blocks[2], 2);
        layer4 = Stage("layer4", 256, 512, blocks[3], 2);
        avgpool = nn.AdaptiveAvgPool2d(1);
        if (numClasses is { } n) fc = nn.Linear(512, n);
        RegisterComponents();
    }

    Sequential Stage(string name, long inC, long outC, int count, long stride)
    {
        var blocks = new List<(string, nn.Module<Tensor, Tensor>)>();
        for (int i = 0; i < count; i++)
            blocks.Add((i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                new BasicBlock($"{name}.{i}", i == 0 ? inC : outC, outC, i == 0 ? stride : 1, _padding)));
        return nn.Sequential(blocks);
    }

    /// <summary>Maps an RGB [0, 1] NCHW image batch to pooled features [N, 512] (or logits when the model has <c>fc</c>).</summary>
    public override Tensor forward(Tensor image)
    {
        using var scope = NewDisposeScope();
        var x = preprocess.call(image);
        if (_padding == ResNetPadding.CntkAsymmetric) x = SamePadding.Apply(x, 7, 2);
        x = relu.call(bn1.call(conv1.call(x)));
        if (_padding == ResNetPadding.CntkAsymmetric) x = SamePadding.Apply(x, 3, 2, double.NegativeInfinity);
        x = maxpool.call(x);
        x = layer4.call(layer3.call(layer2.call(layer1.call(x))));
        x = avgpool.call(x).flatten(1);
        if (fc is not null) x = fc.call(x);
        return x.MoveToOuterDisposeScope();
    }
}
