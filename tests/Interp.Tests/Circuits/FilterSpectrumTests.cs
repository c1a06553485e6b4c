using Interp.Circuits;
using static TorchSharp.torch;

namespace Interp.Tests.Circuits;

public class FilterSpectrumTests
{
    /// <summary>The radially averaged power by a direct DFT, written out loop by loop (no FFT), as an independent reference.</summary>
    static double[] Direct(double[,,,] w, int n)
    {
        int outs = w.GetLength(0), ins = w.GetLength(1), k = w.GetLength(2);
        int bins = (int)Math.Round(Math.Sqrt(2) * (n / 2)) + 1;
        var sums = new double[bins];
        var counts = new int[bins];
        for (int u = -(n - 1) / 2; u <= n / 2; u++)
            for (int v = -(n - 1) / 2; v <= n / 2; v++)
            {
                double power = 0;
                for (int o = 0; o < outs; o++)
                    for (int c = 0; c < ins; c++)
                    {
                        double re = 0, im = 0;
                        for (int y = 0; y < k; y++)
                            for (int x = 0; x < k; x++)
                            {
                                double phase = -2 * Math.PI * (u * y + v * x) / n;
                                re += w[o, c, y, x] * Math.Cos(phase);
                                im += w[o, c, y, x] * Math.Sin(phase);
                            }
                        power += re * re + im * im;
                    }
                int r = (int)Math.Round(Math.Sqrt(u * u + v * v));
                sums[r] += power / outs;
                counts[r]++;
            }
        return [.. sums.Select((s, r) => counts[r] > 0 ? s / counts[r] : 0)];
    }

    static Tensor ToTensor(double[,,,] w) =>
        tensor(w.Cast<double>().ToArray(), [w.GetLength(0), w.GetLength(1), w.GetLength(2), w.GetLength(3)]);

    [Fact]
    public void A_box_filter_has_all_its_power_at_zero_frequency()
    {
        using var box = ones(1, 1, 5, 5);
        var spectrum = FilterSpectrum.Of(box);
        Assert.Equal(25.0 * 25.0, spectrum.Power[0], 9);            // the DFT at (0, 0) is the sum of the 25 ones
        Assert.All(spectrum.Power.Skip(1), p => Assert.Equal(0, p, 9));
        Assert.Equal(0, spectrum.MeanFrequency, 12);
        Assert.Equal(1, spectrum.Shares[0], 12);
    }

    [Fact]
    public void A_grating_puts_its_power_at_its_frequency()
    {
        // cos(2π · 2 x / 8) along x: power only at (0, ±2), i.e. bin 2 of an 8-point DFT, 16² each.
        var w = new double[1, 1, 8, 8];
        for (int y = 0; y < 8; y++) for (int x = 0; x < 8; x++) w[0, 0, y, x] = Math.Cos(2 * Math.PI * 2 * x / 8);
        using var t = ToTensor(w);
        var spectrum = FilterSpectrum.Of(t);
        double[] expected = Direct(w, 8);
        Assert.Equal(expected.Length, spectrum.Power.Count);
        int bin2 = 0;
        for (int u = -3; u <= 4; u++) for (int v = -3; v <= 4; v++) if ((int)Math.Round(Math.Sqrt(u * u + v * v)) == 2) bin2++;
        Assert.Equal(2 * 32.0 * 32.0 / bin2, spectrum.Power[2], 6);
        Assert.All(spectrum.Power.Where((_, r) => r != 2), p => Assert.Equal(0, p, 6));
        Assert.Equal(2.0 / 8, spectrum.MeanFrequency, 9);
    }

    [Theory]
    [InlineData(7, 7)]
    [InlineData(7, 16)]
    [InlineData(3, 9)]
    public void Gabor_filters_match_a_direct_DFT_with_and_without_padding(int k, int n)
    {
        var w = new double[2, 3, k, k];
        for (int o = 0; o < 2; o++)
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < k; y++)
                    for (int x = 0; x < k; x++)
                    {
                        double cx = x - (k - 1) / 2.0, cy = y - (k - 1) / 2.0, theta = 0.7 * o + 0.3 * c;
                        double along = cx * Math.Cos(theta) + cy * Math.Sin(theta);
                        w[o, c, y, x] = Math.Exp(-(cx * cx + cy * cy) / (2 * 1.5 * 1.5)) * Math.Cos(2 * Math.PI * along / 3.5 + c);
                    }
        using var t = ToTensor(w);
        var spectrum = FilterSpectrum.Of(t.to(float32), n);
        var expected = Direct(w, n);
        Assert.Equal(expected.Length, spectrum.Power.Count);
        for (int r = 0; r < expected.Length; r++) Assert.Equal(expected[r], spectrum.Power[r], 3);
        Assert.Equal(n, spectrum.Size);
    }

    [Fact]
    public void Filters_that_are_not_square_or_a_DFT_smaller_than_them_are_refused()
    {
        using var flat = zeros(2, 3, 5);
        Assert.Contains("[out, in, k, k]", Assert.Throws<ArgumentException>(() => FilterSpectrum.Of(flat)).Message);
        using var w = zeros(2, 3, 5, 5);
        Assert.Contains("at least the filters' side 5", Assert.Throws<ArgumentOutOfRangeException>(() => FilterSpectrum.Of(w, 4)).Message);
    }
}
