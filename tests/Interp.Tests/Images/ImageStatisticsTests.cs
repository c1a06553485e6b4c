using Interp.Images;
using static TorchSharp.torch;

namespace Interp.Tests.Images;

public class ImageStatisticsTests
{
    [Fact]
    public void Contrast_is_zero_for_grey_and_half_for_a_black_and_white_split()
    {
        using var grey = full([1, 3, 8, 8], 0.5f);
        using var split = zeros([1, 3, 8, 8]);
        split[.., .., .., 4..] = tensor(1f);
        using var c = ImageStatistics.Contrast(cat([grey, split]));
        Assert.Equal(0f, c[0].item<float>());
        Assert.Equal(0.5f, c[1].item<float>(), 6);
    }

    [Fact]
    public void Centre_to_border_energy_tells_a_centred_blob_from_an_even_texture()
    {
        using var blob = full([1, 3, 16, 16], 0.5f);
        blob[.., .., 6..10, 6..10] = tensor(1f);
        using var texture = rand([1, 3, 16, 16], generator: new Generator().manual_seed(0));
        using var r = ImageStatistics.CentreToBorderEnergy(cat([blob, texture]));
        Assert.True(r[0].item<float>() > 10, $"blob: {r[0].item<float>()}");
        Assert.InRange(r[1].item<float>(), 0.7, 1.4);
        // By hand for the blob: mean 0.5 + 16/256·0.5 = 0.53125; inside (8×8 centre) 16 pixels at 0.46875², 48 at 0.03125²;
        // outside 192 pixels at 0.03125²; three channels each.
        double inside = (16 * Math.Pow(0.46875, 2) + 48 * Math.Pow(0.03125, 2)) / 64, outside = Math.Pow(0.03125, 2);
        Assert.Equal(inside / outside, r[0].item<float>(), 2);
    }

    [Fact]
    public void Spectral_centroid_finds_the_frequency_of_a_grating_and_the_radial_spectrum_its_slope()
    {
        // cos(2π·4x/32): all energy at fx = 4/32 = 0.125 cycles per pixel.
        using var x = arange(32, dtype: float64);
        using var row = (x * (2 * Math.PI * 4 / 32)).cos() * 0.25 + 0.5;
        using var grating = row.view(1, 1, 1, 32).expand(1, 3, 32, 32).to(float32);
        Assert.Equal(0.125, ImageStatistics.SpectralCentroid(grating).item<float>(), 4);
        // A Fourier image's initial spectrum falls off as 1/f; white noise's is flat.
        using var noise = rand([4, 3, 64, 64], generator: new Generator().manual_seed(1));
        Assert.InRange(ImageStatistics.LogLogSlope(ImageStatistics.RadialSpectrum(noise)), -0.15, 0.15);
        using var param = new Interp.FeatureVisualization.Parameterizations.FourierImage(8, 64, 64, new Generator().manual_seed(2));
        using var raw = param.Raw().detach();
        Assert.InRange(ImageStatistics.LogLogSlope(ImageStatistics.RadialSpectrum(raw)), -1.15, -0.85);
    }
}
