using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Parameterizations;

/// <summary>
/// A compositional pattern-producing network (CPPN) as Lucid's <c>param.cppn</c>: each pixel's coordinates
/// (x, y), each in [−√3, √3] so that their standard deviation is 1, go through <c>layers</c> 1×1 layers of
/// <c>hidden</c> channels, each followed by Lucid's biased "composite" activation concat(atan(h)/0.67, atan(h)²/0.6),
/// then a 1×1 layer to RGB and a sigmoid. Initialization as Lucid's (TensorFlow 1's <c>variance_scaling</c>:
/// truncated normal at ±2σ with σ = √(1/fan-in)/0.8796; biases N(0, 0.1); the output layer's weights 0, so the
/// first image is flat). The network's weights are the parameters, so the image is smooth and can be rendered
/// at any resolution. Lucid optimizes it with a smaller learning rate (0.005).
/// <para>One difference, on purpose: Lucid shares one network across the batch, so every image of a batch is
/// the same; here each image has its own network (initialized one after another from the generator), so a
/// batch gives different images. With a batch of one the two agree.</para>
/// </summary>
public sealed class CppnImage : ImageParameterization
{
    /// <summary>The truncated normal's standard deviation relative to the untruncated one (TensorFlow's constant).</summary>
    public const double TruncatedNormalStdFactor = 0.87962566103423978;

    readonly List<Parameter> _weights = [];
    readonly List<Parameter> _biases = [];
    readonly Tensor _coords; // [1, 2, H, W]: x, y
    readonly int _layers, _hidden;

    /// <summary>Creates the network as Lucid's <c>cppn(width, batch, num_hidden_channels=24, num_layers=8)</c> does.</summary>
    public CppnImage(int batch, int height, int width, Generator generator, int layers = 8, int hidden = 24, Device? device = null)
    {
        RequirePositive(batch, height, width);
        if (layers < 1) throw new ArgumentOutOfRangeException(nameof(layers), layers, "A CPPN needs at least one hidden layer (Lucid: 8).");
        if (hidden < 1) throw new ArgumentOutOfRangeException(nameof(hidden), hidden, "A CPPN needs at least one hidden channel (Lucid: 24).");
        Batch = batch; Height = height; Width = width;
        _layers = layers; _hidden = hidden;
        var dev = device ?? CPU;
        double r = Math.Sqrt(3);
        using (var ys = linspace(-r, r, height, dtype: float32))
        using (var xs = linspace(-r, r, width, dtype: float32))
        {
            var grid = meshgrid([ys, xs], indexing: "ij");
            _coords = stack([grid[1], grid[0]]).unsqueeze(0).to(dev);
            foreach (var g in grid) g.Dispose();
        }
        for (int i = 0; i <= layers; i++)
        {
            long inputs = i == 0 ? 2 : 2 * hidden; // the composite activation doubles the width
            long outputs = i == layers ? 3 : hidden;
            using var w = i == layers ? zeros([batch, outputs, inputs]) : TruncatedNormal([batch, outputs, inputs], Math.Sqrt(1.0 / inputs) / TruncatedNormalStdFactor, generator);
            using var b = randn([batch, outputs, 1], generator: generator) * 0.1;
            _weights.Add(new Parameter(w.to(dev), requires_grad: true));
            _biases.Add(new Parameter(b.to(dev), requires_grad: true));
        }
    }

    /// <summary>Normal samples with standard deviation <paramref name="sd"/>, those beyond ±2·sd drawn again (TensorFlow's truncated normal).</summary>
    public static Tensor TruncatedNormal(long[] shape, double sd, Generator generator)
    {
        using var scope = NewDisposeScope();
        var x = randn(shape, generator: generator);
        while (true)
        {
            var outside = x.abs() > 2;
            long count = outside.sum().item<long>();
            if (count == 0) break;
            x = x.masked_scatter(outside, randn([count], generator: generator));
        }
        return (x * sd).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override int Batch { get; }
    /// <inheritdoc/>
    public override int Height { get; }
    /// <inheritdoc/>
    public override int Width { get; }
    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => [.. _weights, .. _biases];

    /// <summary>Lucid's biased composite activation: concat(atan(h)/0.67, atan(h)²/0.6) along channels.</summary>
    public static Tensor CompositeActivation(Tensor h, int channelDim = 1)
    {
        using var scope = NewDisposeScope();
        var a = h.atan();
        return cat([a / 0.67f, a.square() / 0.6f], channelDim).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Tensor Image()
    {
        using var scope = NewDisposeScope();
        var h = _coords.flatten(2).expand(Batch, 2, -1);          // [N, 2, P]
        for (int i = 0; i < _weights.Count; i++)
        {
            h = _weights[i].bmm(h) + _biases[i];                     // 1×1 layer, one network per image
            if (i < _weights.Count - 1) h = CompositeActivation(h);
        }
        return h.sigmoid().view(Batch, 3, Height, Width).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    protected override void DisposeBuffers() => _coords.Dispose();

    /// <inheritdoc/>
    public override string Description => $"cppn({Height}×{Width}, batch {Batch}, {_layers} layers × {_hidden})";
}
