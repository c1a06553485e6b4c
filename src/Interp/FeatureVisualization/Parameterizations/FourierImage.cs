using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Parameterizations;

/// <summary>
/// Lucid's Fourier parameterization: the image is the inverse real FFT of a trainable spectrum whose
/// coefficients (initialised N(0, <c>sd</c>)) are scaled by 1 / max(f, 1/max(w,h))^decay · sqrt(w·h),
/// where f = sqrt(fx² + fy²) is each coefficient's frequency; the result is divided by 4, optionally
/// colour-decorrelated, then squashed by a sigmoid. Low frequencies dominate, so the optimization
/// favours natural-looking, low-noise images. Optionally a low-resolution component is shared by every
/// image of the batch (Lucid's shared parameterization), which helps diversity and interpolation.
/// </summary>
public sealed class FourierImage : ImageParameterization
{
    readonly Parameter _spectrum;       // [N, 3, H, Wf, 2] (real, imaginary)
    readonly Parameter? _shared;        // [1, 3, h/s, w/s]
    readonly Tensor _scale;             // [H, Wf]
    readonly bool _decorrelate;
    readonly double _decay, _sd;
    readonly int _sharedFactor;
    readonly long _fftWidth;

    /// <summary>Creates the spectrum (and the optional shared component) from <paramref name="generator"/>.</summary>
    /// <param name="sharedFactor">When above 0, adds a component shared across the batch at 1/<paramref name="sharedFactor"/> resolution.</param>
    public FourierImage(int batch, int height, int width, Generator generator, bool decorrelate = true, double decay = 1.0, double sd = 0.01,
        int sharedFactor = 0, Device? device = null)
    {
        RequirePositive(batch, height, width);
        if (decay < 0) throw new ArgumentOutOfRangeException(nameof(decay), decay, "The decay power must be non-negative (1 is Lucid's default).");
        Batch = batch; Height = height; Width = width;
        _decorrelate = decorrelate; _decay = decay; _sd = sd; _sharedFactor = sharedFactor;
        var dev = device ?? CPU;
        _scale = Scale(height, width, decay, dev);
        _fftWidth = 2 * (_scale.shape[1] - 1);
        using var init = randn([batch, 3, height, _scale.shape[1], 2], generator: generator) * sd;
        _spectrum = new Parameter(init.to(dev), requires_grad: true);
        if (sharedFactor > 0)
        {
            using var s = randn([1, 3, Math.Max(1, height / sharedFactor), Math.Max(1, width / sharedFactor)], generator: generator) * sd;
            _shared = new Parameter(s.to(dev), requires_grad: true);
        }
    }

    /// <summary>
    /// The frequency of each coefficient of a real 2-D FFT of an h×w image, [h, w/2 + 1] (w/2 + 2 for odd
    /// w, as Lucid does, then cropped): sqrt(fx² + fy²) with numpy's fftfreq convention.
    /// </summary>
    public static Tensor Frequencies(int height, int width)
    {
        static double[] FftFreq(int n) => Enumerable.Range(0, n).Select(i => (double)(i < (n + 1) / 2 ? i : i - n) / n).ToArray();
        var fy = FftFreq(height);
        var fxAll = FftFreq(width);
        int wf = width / 2 + (width % 2 == 1 ? 2 : 1);
        var fx = Enumerable.Range(0, wf).Select(i => i < fxAll.Length ? fxAll[i] : -fxAll[width - i]).ToArray();
        var data = new double[height * wf];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < wf; x++)
                data[y * wf + x] = Math.Sqrt(fx[x] * fx[x] + fy[y] * fy[y]);
        return tensor(data, [height, wf]);
    }

    /// <inheritdoc/>
    public override int Batch { get; }
    /// <inheritdoc/>
    public override int Height { get; }
    /// <inheritdoc/>
    public override int Width { get; }
    /// <inheritdoc/>
    public override IReadOnlyList<Parameter> Parameters => _shared is null ? [_spectrum] : [_spectrum, _shared];

    /// <summary>
    /// Lucid's map from a complex spectrum [N, 3, H, W/2+1 (+1 for odd W)] to an image [N, 3, H, W]:
    /// scale each coefficient by 1 / max(f, 1/max(w,h))^decay · sqrt(w·h), inverse real FFT, crop, divide by 4.
    /// </summary>
    public static Tensor SpectrumToImage(Tensor complexSpectrum, int height, int width, double decay)
    {
        using var scope = NewDisposeScope();
        return Irfft(complexSpectrum * Scale(height, width, decay, complexSpectrum.device), height, width).MoveToOuterDisposeScope();
    }

    /// <summary>Lucid's per-coefficient scale, 1 / max(f, 1/max(w,h))^decay · sqrt(w·h), as float32 [H, W/2+1 (+1 for odd W)].</summary>
    public static Tensor Scale(int height, int width, double decay, Device? device = null)
    {
        using var scope = NewDisposeScope();
        var freqs = Frequencies(height, width);
        var scale = freqs.clamp_min(1.0 / Math.Max(width, height)).pow(-decay) * Math.Sqrt((double)width * height);
        return scale.to(float32).to(device ?? CPU).MoveToOuterDisposeScope();
    }

    static Tensor Irfft(Tensor scaledSpectrum, int height, int width)
    {
        long fftWidth = 2 * (scaledSpectrum.shape[^1] - 1);
        var image = fft.irfft2(scaledSpectrum, s: [height, fftWidth]);
        return image[.., .., TensorIndex.Slice(0, height), TensorIndex.Slice(0, width)] / 4.0f;
    }

    /// <summary>The image before decorrelation and the sigmoid: irfft2(scale · spectrum) / 4 (+ the shared component).</summary>
    public Tensor Raw()
    {
        using var scope = NewDisposeScope();
        var image = Irfft(view_as_complex(_spectrum) * _scale, Height, Width);
        if (_shared is not null)
            image = image + nn.functional.interpolate(_shared, [Height, Width], mode: InterpolationMode.Bilinear, align_corners: false);
        return image.MoveToOuterDisposeScope();
    }

    /// <inheritdoc/>
    public override Tensor Image()
    {
        using var scope = NewDisposeScope();
        return ColorDecorrelation.ToValidRgb(Raw(), _decorrelate).MoveToOuterDisposeScope();
    }

    /// <summary>Sets the spectrum so that <see cref="Raw"/> returns <paramref name="raw"/> (exact up to float rounding for even widths).</summary>
    public void SetRaw(Tensor raw)
    {
        if (_shared is not null) throw new InvalidOperationException("SetRaw is defined only without a shared component.");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var padded = raw * 4.0f;
        if (_fftWidth != Width) padded = nn.functional.pad(padded, [0, _fftWidth - Width]);
        var spectrum = fft.rfft2(padded, s: [Height, _fftWidth]) / _scale;
        _spectrum.copy_(view_as_real(spectrum));
    }

    /// <inheritdoc/>
    protected override void DisposeBuffers() => _scale.Dispose();

    /// <inheritdoc/>
    public override string Description =>
        $"fourier({Height}×{Width}, batch {Batch}, decay {_decay}, sd {_sd}{(_decorrelate ? ", decorrelated" : "")}{(_sharedFactor > 0 ? $", shared 1/{_sharedFactor}" : "")})";
}
