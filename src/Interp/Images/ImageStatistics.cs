using static TorchSharp.torch;

namespace Interp.Images;

/// <summary>
/// Numbers that back what a picture seems to show, per image of a batch [N, 3, H, W] (values in [0, 1]):
/// contrast, where the structure sits, how coarse it is, and the spectrum's fall-off.
/// </summary>
public static class ImageStatistics
{
    /// <summary>The standard deviation of each image's pixel values [N]: 0 for a flat (e.g. all-grey) image.</summary>
    public static Tensor Contrast(Tensor images)
    {
        using var scope = NewDisposeScope();
        return images.flatten(1).std(1, unbiased: false).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// How much more structure the centre holds than the border [N]: the mean squared deviation from the image's
    /// own mean colour inside the central square of side <paramref name="centreFraction"/>·H, divided by the
    /// same outside it. Above 1: concentrated at the centre; about 1: spread evenly.
    /// </summary>
    public static Tensor CentreToBorderEnergy(Tensor images, double centreFraction = 0.5)
    {
        if (centreFraction <= 0 || centreFraction >= 1) throw new ArgumentOutOfRangeException(nameof(centreFraction), centreFraction,
            "The centre is a fraction of the side in (0, 1).");
        using var scope = NewDisposeScope();
        long h = images.shape[2], w = images.shape[3];
        var dev = (images - images.mean([2, 3], keepdim: true)).pow(2).sum(1);     // [N, H, W]
        var mask = zeros([h, w], dtype: ScalarType.Bool, device: images.device);
        long ch = (long)Math.Round(h * centreFraction), cw = (long)Math.Round(w * centreFraction);
        long top = (h - ch) / 2, left = (w - cw) / 2;
        mask[TensorIndex.Slice(top, top + ch), TensorIndex.Slice(left, left + cw)] = tensor(true);
        var inside = dev.masked_select(mask.expand_as(dev)).view(images.shape[0], -1).mean([1]);
        var outside = dev.masked_select(mask.logical_not().expand_as(dev)).view(images.shape[0], -1).mean([1]);
        return (inside / outside.clamp_min(1e-12)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The amplitude-weighted mean spatial frequency of each image [N], in cycles per pixel (0 … 0.707): low for
    /// large, smooth patterns, high for fine texture. The mean colour (frequency 0) is left out.
    /// </summary>
    public static Tensor SpectralCentroid(Tensor images)
    {
        using var scope = NewDisposeScope();
        int h = (int)images.shape[2], w = (int)images.shape[3];
        var amp = fft.rfft2(images.to(float32)).abs().sum(1);                         // [N, H, W/2+1]
        var f = RfftFrequencies(h, w).to(float32).to(images.device);
        var weights = amp * (f > 0);
        return ((weights * f).flatten(1).sum(1) / weights.flatten(1).sum(1).clamp_min(1e-12)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The radially averaged amplitude spectrum of a batch, averaged over images and channels: for each band of
    /// frequency (cycles per pixel, <paramref name="bands"/> log-spaced bands from 1/max(H,W) to 0.5), the band's
    /// centre and mean amplitude. A slope of −1 on a log–log plot means amplitude ∝ 1/f: equal energy per octave.
    /// </summary>
    public static IReadOnlyList<(double Frequency, double Amplitude)> RadialSpectrum(Tensor images, int bands = 12)
    {
        using var scope = NewDisposeScope();
        int h = (int)images.shape[2], w = (int)images.shape[3];
        var amp = fft.rfft2(images.to(float32)).abs().mean([0, 1]).flatten().to(float64).data<double>().ToArray();
        var f = RfftFrequencies(h, w).flatten().data<double>().ToArray();
        double lo = Math.Log(1.0 / Math.Max(h, w)), hi = Math.Log(0.5);
        var result = new List<(double, double)>();
        for (int b = 0; b < bands; b++)
        {
            double a = lo + (hi - lo) * b / bands, z = lo + (hi - lo) * (b + 1) / bands;
            var inBand = Enumerable.Range(0, f.Length).Where(i => f[i] > 0 && Math.Log(f[i]) >= a && (Math.Log(f[i]) < z || (b == bands - 1 && Math.Log(f[i]) <= z
                + 1e-12))).ToList();
            if (inBand.Count == 0) continue;
            result.Add((Math.Exp((a + z) / 2), inBand.Average(i => amp[i])));
        }
        return result;
    }

    /// <summary>The least-squares slope of log(amplitude) against log(frequency) over a radial spectrum.</summary>
    public static double LogLogSlope(IReadOnlyList<(double Frequency, double Amplitude)> spectrum)
    {
        var pts = spectrum.Where(p => p.Amplitude > 0).Select(p => (X: Math.Log(p.Frequency), Y: Math.Log(p.Amplitude))).ToList();
        if (pts.Count < 2) throw new ArgumentException("A slope needs at least two bands with non-zero amplitude.", nameof(spectrum));
        double mx = pts.Average(p => p.X), my = pts.Average(p => p.Y);
        return pts.Sum(p => (p.X - mx) * (p.Y - my)) / pts.Sum(p => (p.X - mx) * (p.X - mx));
    }

    /// <summary>sqrt(fx² + fy²) for the [H, W/2+1] coefficients of a real 2-D FFT (numpy's fftfreq convention).</summary>
    static Tensor RfftFrequencies(int h, int w)
    {
        var data = new double[h * (w / 2 + 1)];
        for (int y = 0; y < h; y++)
            for (int x = 0; x <= w / 2; x++)
            {
                double fy = (double)(y < (h + 1) / 2 ? y : y - h) / h, fx = (double)x / w;
                data[y * (w / 2 + 1) + x] = Math.Sqrt(fx * fx + fy * fy);
            }
        return tensor(data, [h, w / 2 + 1]);
    }
}
