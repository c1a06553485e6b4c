using Interp.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.Models.Clip;

/// <summary>
/// OpenAI CLIP's ResNet bottleneck: 1×1, 3×3, then an average pool when strided (anti-aliasing), 1×1 to
/// 4× the width; the shortcut average-pools before its 1×1 convolution. Names as OpenAI's.
/// </summary>
public sealed class ClipBottleneck : nn.Module<Tensor, Tensor>
{
    /// <summary>Channel expansion of the last convolution.</summary>
    public const int Expansion = 4;
    readonly nn.Module<Tensor, Tensor> conv1, bn1, relu1, conv2, bn2, relu2, avgpool, conv3, bn3, relu3;
    readonly nn.Module<Tensor, Tensor>? downsample;

    /// <summary>A block from <paramref name="inplanes"/> to 4·<paramref name="planes"/> channels.</summary>
    public ClipBottleneck(int inplanes, int planes, int stride = 1) : base(nameof(ClipBottleneck))
    {
        conv1 = nn.Conv2d(inplanes, planes, 1, bias: false);
        bn1 = nn.BatchNorm2d(planes);
        relu1 = nn.ReLU();
        conv2 = new SafeConv2d(planes, planes, 3, padding: 1, hasBias: false);
        bn2 = nn.BatchNorm2d(planes);
        relu2 = nn.ReLU();
        avgpool = stride > 1 ? nn.AvgPool2d(stride) : nn.Identity();
        conv3 = nn.Conv2d(planes, planes * Expansion, 1, bias: false);
        bn3 = nn.BatchNorm2d(planes * Expansion);
        relu3 = nn.ReLU();
        foreach (var (name, m) in new (string, nn.Module)[] { ("conv1", conv1), ("bn1", bn1), ("relu1", relu1), ("conv2", conv2), ("bn2", bn2), ("relu2", relu2),
                     ("avgpool", avgpool), ("conv3", conv3), ("bn3", bn3), ("relu3", relu3) })
            register_module(name, m);
        if (stride > 1 || inplanes != planes * Expansion)
        {
            downsample = nn.Sequential(("-1", nn.AvgPool2d(stride)), ("0", nn.Conv2d(inplanes, planes * Expansion, 1, bias: false)), ("1", nn.BatchNorm2d(planes * Expansion)));
            register_module("downsample", downsample);
        }
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var out_ = relu1.call(bn1.call(conv1.call(x)));
        out_ = relu2.call(bn2.call(conv2.call(out_)));
        out_ = bn3.call(conv3.call(avgpool.call(out_)));
        var identity = downsample is null ? x : downsample.call(x);
        return relu3.call(out_ + identity).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// CLIP's attention pooling: the mean of the final feature map is prepended to its positions, positional
/// embeddings are added, and multi-head attention (separate q, k, v projections, output projection
/// <c>c_proj</c>) is read out at the mean's position.
/// </summary>
public sealed class ClipAttentionPool : nn.Module<Tensor, Tensor>
{
    readonly Parameter positional_embedding;
    readonly Linear k_proj, q_proj, v_proj, c_proj;
    readonly int _heads;

    /// <summary>Attention pooling over a <paramref name="spatialDim"/>² grid of <paramref name="embedDim"/> channels.</summary>
    public ClipAttentionPool(int spatialDim, int embedDim, int heads, int outputDim) : base(nameof(ClipAttentionPool))
    {
        if (embedDim % heads != 0) throw new ArgumentException($"{embedDim} channels do not split into {heads} heads.");
        positional_embedding = new Parameter(randn(spatialDim * spatialDim + 1, embedDim) / Math.Sqrt(embedDim));
        register_parameter("positional_embedding", positional_embedding);
        k_proj = nn.Linear(embedDim, embedDim);
        q_proj = nn.Linear(embedDim, embedDim);
        v_proj = nn.Linear(embedDim, embedDim);
        c_proj = nn.Linear(embedDim, outputDim);
        register_module("k_proj", k_proj);
        register_module("q_proj", q_proj);
        register_module("v_proj", v_proj);
        register_module("c_proj", c_proj);
        _heads = heads;
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        // The positional embedding fixes the grid; another one would reach a native shape error, which ends the process here.
        long positions = positional_embedding.shape[0] - 1, side = (long)Math.Round(Math.Sqrt(positions));
        if (x.ndim != 4 || x.shape[2] * x.shape[3] != positions)
            throw new ArgumentException($"CLIP's attention pool takes a {side}×{side} feature map, that is images of {side * 32}×{side * 32} px; got a map of " +
                $"[{string.Join(", ", x.shape)}]. Resize the images (ClipPreprocess.ResizeCenterCrop), or stop before the pool (layers up to visual.layer4 take any size).",
                    nameof(x));
        using var scope = NewDisposeScope();
        var seq = x.flatten(2).permute(2, 0, 1);                                   // (HW)NC
        seq = cat([seq.mean([0], keepdim: true), seq], 0);                         // (HW+1)NC
        seq = seq + positional_embedding.unsqueeze(1).to(seq.dtype);
        var attended = ClipAttention.MultiHead(seq, q_proj.call(seq), k_proj.call(seq), v_proj.call(seq), _heads, mask: null);
        return c_proj.call(attended[0]).MoveToOuterDisposeScope();
    }
}

/// <summary>
/// OpenAI CLIP's ModifiedResNet image tower: a three-convolution stem with an average pool, four stages of
/// <see cref="ClipBottleneck"/>s, attention pooling. Takes CLIP-normalized images (<see cref="ClipPreprocess"/>).
/// </summary>
public sealed class ClipVisionTower : nn.Module<Tensor, Tensor>
{
    readonly nn.Module<Tensor, Tensor> conv1, bn1, conv2, bn2, conv3, bn3, avgpool, relu, layer1, layer2, layer3, layer4, attnpool;

    /// <summary>The tower of <paramref name="config"/>.</summary>
    public ClipVisionTower(ClipConfig config) : base(nameof(ClipVisionTower))
    {
        int width = config.VisionWidth;
        conv1 = new SafeConv2d(3, width / 2, 3, stride: 2, padding: 1, hasBias: false);
        bn1 = nn.BatchNorm2d(width / 2);
        conv2 = new SafeConv2d(width / 2, width / 2, 3, padding: 1, hasBias: false);
        bn2 = nn.BatchNorm2d(width / 2);
        conv3 = new SafeConv2d(width / 2, width, 3, padding: 1, hasBias: false);
        bn3 = nn.BatchNorm2d(width);
        avgpool = nn.AvgPool2d(2);
        relu = nn.ReLU();
        int inplanes = width;
        nn.Module<Tensor, Tensor> Stage(int planes, int blocks, int stride)
        {
            var list = new List<(string, nn.Module<Tensor, Tensor>)> { ("0", new ClipBottleneck(inplanes, planes, stride)) };
            inplanes = planes * ClipBottleneck.Expansion;
            for (int i = 1; i < blocks; i++) list.Add(($"{i}", new ClipBottleneck(inplanes, planes)));
            return nn.Sequential(list);
        }
        layer1 = Stage(width, config.VisionLayers[0], 1);
        layer2 = Stage(width * 2, config.VisionLayers[1], 2);
        layer3 = Stage(width * 4, config.VisionLayers[2], 2);
        layer4 = Stage(width * 8, config.VisionLayers[3], 2);
        attnpool = new ClipAttentionPool(config.ImageResolution / 32, config.VisionEmbedDim, config.VisionHeads, config.EmbedDim);
        foreach (var (name, m) in new (string, nn.Module)[] { ("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2), ("conv3", conv3), ("bn3", bn3),
                     ("avgpool", avgpool), ("relu", relu), ("layer1", layer1), ("layer2", layer2), ("layer3", layer3), ("layer4", layer4), ("attnpool", attnpool) })
            register_module(name, m);
    }

    /// <inheritdoc/>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        x = relu.call(bn1.call(conv1.call(x)));
        x = relu.call(bn2.call(conv2.call(x)));
        x = relu.call(bn3.call(conv3.call(x)));
        x = avgpool.call(x);
        x = layer4.call(layer3.call(layer2.call(layer1.call(x))));
        return attnpool.call(x).MoveToOuterDisposeScope();
    }
}
