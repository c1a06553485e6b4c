using static TorchSharp.torch;

namespace Interp.Circuits;

/// <summary>
/// The radially averaged power spectrum of a layer's filters (as Chowers &amp; Weiss compare first layers across training):
/// <see cref="Power"/>[r] is the mean, over the filters and over the frequencies (u, v) of an n×n DFT with round(√(u² + v²)) = r, of
/// the power |F(u, v)|² summed over input channels. Frequencies are in cycles per n pixels; r = 0 is the filters' mean (DC).
/// </summary>
/// <param name="Power">Mean power per radius bin, from 0 (DC) to the largest radius on the grid.</param>
/// <param name="Size">The DFT's side n (the filters zero-padded to it).</param>
public sealed record FilterSpectrum(IReadOnlyList<double> Power, int Size)
{
    /// <summary>Each bin's share of the summed power (the profile's shape, independent of the filters' scale); zeros if there is no power.</summary>
    public IReadOnlyList<double> Shares
    {
        get
        {
            double total = Power.Sum();
            return [.. Power.Select(p => total > 0 ? p / total : 0)];
        }
    }

    /// <summary>The power-weighted mean radius in cycles per pixel (radius / n): low for smooth filters, high for fine ones.</summary>
    public double MeanFrequency
    {
        get
        {
            double total = Power.Sum();
            return total > 0 ? Power.Select((p, r) => p * r).Sum() / total / Size : double.NaN;
        }
    }

    /// <summary>
    /// The spectrum of <paramref name="filters"/> [out, in, k, k] (e.g. a first convolution's weight), each zero-padded to
    /// <paramref name="size"/>×<paramref name="size"/> (default: k) before the DFT. Computed in float64.
    /// </summary>
    public static FilterSpectrum Of(Tensor filters, int? size = null)
    {
        ArgumentNullException.ThrowIfNull(filters);
        if (filters.ndim != 4 || filters.shape[2] != filters.shape[3])
            throw new ArgumentException($"Give square filters [out, in, k, k]; got [{string.Join(", ", filters.shape)}].", nameof(filters));
        int k = (int)filters.shape[2];
        int n = size ?? k;
        if (n < k) throw new ArgumentOutOfRangeException(nameof(size), n, $"The DFT's side must be at least the filters' side {k} (it zero-pads them).");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var f = filters.detach().to(float64).cpu();
        if (n > k) f = nn.functional.pad(f, [0L, n - k, 0L, n - k]);
        var power = fft.fft2(f).abs().pow(2).sum(1).mean([0L]);   // [n, n], frequency (u, v) at index (u mod n, v mod n)
        var values = power.data<double>().ToArray();
        int maxRadius = (int)Math.Round(Math.Sqrt(2) * (n / 2));
        var sums = new double[maxRadius + 1];
        var counts = new int[maxRadius + 1];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
            {
                int u = i <= n / 2 ? i : i - n, v = j <= n / 2 ? j : j - n;
                int r = (int)Math.Round(Math.Sqrt(u * u + v * v));
                sums[r] += values[i * n + j];
                counts[r]++;
            }
        return new FilterSpectrum([.. sums.Select((s, r) => counts[r] > 0 ? s / counts[r] : 0)], n);
    }
}
