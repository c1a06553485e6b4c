using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Parameterizations;

/// <summary>
/// A compositional pattern-producing network (CPPN), as in Lucid's <c>param.cppn</c>: the image is a small
/// network of 1×1 layers applied to each pixel's coordinates (x, y and radius, in [−√3, √3]), with the
/// "composite" activation concat(atan(h)/0.67, atan(h)²/0.6) and a final sigmoid. The network's weights
/// are the parameters, so the image is smooth and can be rendered at any resolution. Lucid optimizes it
/// with a smaller learning rate (0.005). One network per image of the batch.
/// </summary>
public sealed class CppnImage : ImageParameterization
{
    readonly List<Parameter> _weights = [];
    readonly List<Parameter> _biases = [];
    readonly Tensor _coords; // [1, 3, H, W]
    readonly int _layers, _hidden;

    /// <summary>Creates the network; weights N(0, 1/fan-in), biases 0, as in Lucid.</summary>
    public CppnImage(int batch, int height, int width, Generator generator, int layers = 9, int hidden = 24, Device? device = null)
    {
        RequirePositive(batch, height, width);
        if (layers < 1) throw new ArgumentOutOfRangeException(nameof(layers), layers, "A CPPN needs at least one hidden layer.");
        Batch = batch; Height = height; Width = width;
        _layers = layers; _hidden = hidden;
        var dev = device ?? CPU;
        double r = Math.Sqrt(3);
        using (var ys = linspace(-r, r, height, dtype: float32))
        using (var xs = linspace(-r, r, width, dtype: float32))
        {
            var grid = meshgrid([ys, xs], indexing: "ij");
            var y = grid[0]; var x = grid[1];
            _coords = stack([x, y, (x * x + y * y).sqrt()]).unsqueeze(0).to(dev);
            foreach (var g in grid) g.Dispose();
        }
        long inputs = 3;
        for (int i = 0; i <= layers; i++)
        {
            long outputs = i == layers ? 3 : hidden;
            using var w = randn([batch, outputs, inputs], generator: generator) * Math.Sqrt(1.0 / inputs);
            _weights.Add(new Parameter(w.to(dev), requires_grad: true));
            _biases.Add(new Parameter(zeros([batch, outputs, 1], device: dev), requires_grad: true));
            inputs = 2 * hidden; // the composite activation doubles the width
        }
    }

    /// <inheritdoc/>
    public override int Batch { get; }
    /// <inheritdoc/>
    public override int Height { get; }
    /// <inheritdoc/>
    public override int Width { get; }
    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => [.. _weights, .. _biases];

    /// <inheritdoc/>
    public override Tensor Image()
    {
        using var scope = NewDisposeScope();
        var h = _coords.flatten(2).expand(Batch, 3, -1);          // [N, 3, P]
        for (int i = 0; i < _weights.Count; i++)
        {
            h = _weights[i].bmm(h) + _biases[i];                     // 1×1 layer, one network per image
            if (i < _weights.Count - 1)
            {
                var a = h.atan();
                h = cat([a / 0.67f, a.square() / 0.6f], 1);
            }
        }
        return h.sigmoid().view(Batch, 3, Height, Width).MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    protected override void DisposeBuffers() => _coords.Dispose();

    /// <inheritdoc/>
    public override string Description => $"cppn({Height}×{Width}, batch {Batch}, {_layers} layers × {_hidden})";
}
