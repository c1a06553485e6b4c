using TorchSharp;
using static TorchSharp.torch;

namespace Interp.Cli.Bench;

/// <summary>
/// torchvision's ResNet-50 layout (7×7 stem, max pool, bottlenecks [3, 4, 6, 3] with the stride on the 3×3, average pool,
/// 1000-way head), random weights: the bare reference that CLIP's image tower is timed against.
/// </summary>
public sealed class TorchvisionResNet50 : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> body;

    sealed class Bottleneck : nn.Module<Tensor, Tensor>
    {
        readonly nn.Module<Tensor, Tensor> main;
        readonly nn.Module<Tensor, Tensor>? shortcut;

        public Bottleneck(int inplanes, int planes, int stride) : base("bottleneck")
        {
            main = nn.Sequential(
                nn.Conv2d(inplanes, planes, 1, bias: false), nn.BatchNorm2d(planes), nn.ReLU(),
                nn.Conv2d(planes, planes, 3, stride: stride, padding: 1, bias: false), nn.BatchNorm2d(planes), nn.ReLU(),
                nn.Conv2d(planes, planes * 4, 1, bias: false), nn.BatchNorm2d(planes * 4));
            register_module("main", main);
            if (stride != 1 || inplanes != planes * 4)
            {
                shortcut = nn.Sequential(nn.Conv2d(inplanes, planes * 4, 1, stride: stride, bias: false), nn.BatchNorm2d(planes * 4));
                register_module("shortcut", shortcut);
            }
        }

        public override Tensor forward(Tensor x)
        {
            using var scope = NewDisposeScope();
            return (main.call(x) + (shortcut?.call(x) ?? x)).relu().MoveToOuterDisposeScope();
        }
    }

    /// <summary>The network with PyTorch's default initialization, in eval mode.</summary>
    public TorchvisionResNet50() : base(nameof(TorchvisionResNet50))
    {
        var layers = new List<nn.Module<Tensor, Tensor>>
        {
            nn.Conv2d(3, 64, 7, stride: 2, padding: 3, bias: false), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(3, stride: 2, padding: 1),
        };
        int inplanes = 64;
        foreach (var (planes, blocks, stride) in new[] { (64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2) })
            for (int i = 0; i < blocks; i++)
            {
                layers.Add(new Bottleneck(inplanes, planes, i == 0 ? stride : 1));
                inplanes = planes * 4;
            }
        layers.Add(nn.AdaptiveAvgPool2d(1));
        layers.Add(nn.Flatten());
        layers.Add(nn.Linear(2048, 1000));
        body = nn.Sequential(layers);
        register_module("body", body);
        eval();
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x) => body.call(x);
}
