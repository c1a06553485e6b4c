using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Parameterizations;

/// <summary>
/// The naive parameterization: one parameter per pixel and colour, initialised N(0, sd),
/// optionally colour-decorrelated, then a sigmoid. Optimizing it directly gives noisy, adversarial images.
/// </summary>
public sealed class PixelImage : ImageParameterization
{
    readonly Parameter _pixels;
    readonly bool _decorrelate;
    readonly double _sd;

    /// <summary>Creates the parameters from <paramref name="generator"/>.</summary>
    public PixelImage(int batch, int height, int width, Generator generator, bool decorrelate = true, double sd = 0.01, Device? device = null)
    {
        RequirePositive(batch, height, width);
        _decorrelate = decorrelate;
        _sd = sd;
        using var init = randn([batch, 3, height, width], generator: generator) * sd;
        _pixels = new Parameter(init.to(device ?? CPU), requires_grad: true);
        Batch = batch; Height = height; Width = width;
    }

    /// <inheritdoc/>
    public override int Batch { get; }
    /// <inheritdoc/>
    public override int Height { get; }
    /// <inheritdoc/>
    public override int Width { get; }
    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => [_pixels];
    /// <inheritdoc/>
    public override Tensor Image() => ColorDecorrelation.ToValidRgb(_pixels, _decorrelate);
    /// <inheritdoc/>
    public override string Description => $"pixel({Height}×{Width}, batch {Batch}, sd {_sd}{(_decorrelate ? ", decorrelated" : "")})";
}
