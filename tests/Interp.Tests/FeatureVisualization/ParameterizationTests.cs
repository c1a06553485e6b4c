using Interp.FeatureVisualization.Parameterizations;
using static TorchSharp.torch;

namespace Interp.Tests.FeatureVisualization;

public class ParameterizationTests
{
    [Fact]
    public void Frequencies_follow_numpys_fftfreq_for_even_and_odd_widths()
    {
        using var even = FourierImage.Frequencies(4, 4);
        Assert.Equal([4L, 3], even.shape);
        // fy = [0, .25, -.5, -.25]; fx = [0, .25, .5] (numpy's -0.5 for the Nyquist term, squared away).
        Assert.Equal(Math.Sqrt(0.25 * 0.25 + 0.5 * 0.5), even[2, 1].item<double>(), 12);
        Assert.Equal(0.5, even[0, 2].item<double>(), 12);
        using var odd = FourierImage.Frequencies(3, 5);
        Assert.Equal([3L, 4], odd.shape); // Lucid takes w/2 + 2 columns for odd widths
        Assert.Equal(0.4, odd[0, 2].item<double>(), 12);
        Assert.Equal(0.4, odd[0, 3].item<double>(), 12);
    }

    [Theory]
    [InlineData(16, 16)]
    [InlineData(12, 20)]
    public void The_fourier_round_trip_is_exact(int h, int w)
    {
        using var gen = new Generator().manual_seed(0);
        using var param = new FourierImage(2, h, w, gen);
        using var target = randn([2, 3, h, w], generator: new Generator().manual_seed(1));
        param.SetRaw(target);
        using var back = param.Raw();
        Assert.True((back - target).abs().max().item<float>() < 1e-5f, $"max error {(back - target).abs().max().item<float>()}");
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void The_initial_spectrum_falls_off_as_one_over_f_to_the_decay(double decay)
    {
        const int n = 64;
        using var gen = new Generator().manual_seed(3);
        using var param = new FourierImage(16, n, n, gen, decay: decay);
        using var _ = no_grad();
        using var raw = param.Raw();
        using var spectrum = fft.rfft2(raw).abs().mean([0, 1]); // [n, n/2+1], averaged over images and channels
        using var freqs = FourierImage.Frequencies(n, n);
        // Fit log|F| = a − slope·log f over mid frequencies (1/16 … 1/4 cycles per pixel).
        var f = freqs.flatten().data<double>().ToArray();
        var amp = spectrum.flatten().to(float64).data<double>().ToArray();
        var pts = f.Zip(amp).Where(p => p.First >= 1.0 / 16 && p.First <= 0.25).Select(p => (X: Math.Log(p.First), Y: Math.Log(p.Second))).ToList();
        double mx = pts.Average(p => p.X), my = pts.Average(p => p.Y);
        double slope = pts.Sum(p => (p.X - mx) * (p.Y - my)) / pts.Sum(p => (p.X - mx) * (p.X - mx));
        Assert.InRange(-slope, decay - 0.1, decay + 0.1);
    }

    [Fact]
    public void Images_are_in_the_unit_range_with_the_requested_shape()
    {
        using var gen = new Generator().manual_seed(0);
        using var fourier = new FourierImage(3, 20, 24, gen, sharedFactor: 4);
        using var pixel = new PixelImage(2, 10, 10, gen);
        using var a = fourier.Image();
        using var b = pixel.Image();
        Assert.Equal([3L, 3, 20, 24], a.shape);
        Assert.Equal([2L, 3, 10, 10], b.shape);
        Assert.True(a.min().item<float>() > 0 && a.max().item<float>() < 1);
        Assert.Equal(2, fourier.Parameters.Count); // spectrum + shared component
        Assert.Contains("shared 1/4", fourier.Description);
    }

    [Fact]
    public void Colour_decorrelation_uses_lucids_matrix_normalized_by_its_largest_column_norm()
    {
        var n = ColorDecorrelation.Normalized();
        var norms = Enumerable.Range(0, 3).Select(c => Math.Sqrt(n[0, c] * n[0, c] + n[1, c] * n[1, c] + n[2, c] * n[2, c])).ToList();
        Assert.Equal(1.0, norms.Max(), 6);
        Assert.Equal(0.26 / Math.Sqrt(0.26 * 0.26 + 0.27 * 0.27 + 0.27 * 0.27), n[0, 0], 6);
        // A pure first component maps to (almost) grey: the luminance axis.
        using var v = tensor(new float[] { 1, 0, 0 }, [1, 3, 1, 1]);
        using var rgb = ColorDecorrelation.ToRgb(v);
        var px = rgb.flatten().data<float>().ToArray();
        Assert.Equal(n[0, 0], px[0], 6);
        Assert.Equal(n[1, 0], px[1], 6);
        Assert.Equal(n[2, 0], px[2], 6);
    }

    [Fact]
    public void A_cppn_makes_smooth_images_in_range_and_every_weight_gets_a_gradient()
    {
        using var gen = new Generator().manual_seed(0);
        using var cppn = new CppnImage(2, 24, 32, gen, layers: 4, hidden: 8);
        using var img = cppn.Image();
        Assert.Equal([2L, 3, 24, 32], img.shape);
        Assert.True(img.min().item<float>() > 0 && img.max().item<float>() < 1);
        using var loss = img[.., 0].mean();
        loss.backward();
        Assert.All(cppn.Parameters, p => Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0));
        // Smooth: neighbouring pixels differ far less than the image's range.
        using var rough = Interp.Images.ImageTensors.Roughness(img.detach());
        Assert.True(rough.max().item<float>() < 0.1f * (img.max() - img.min()).item<float>());
        // The same seed gives the same network.
        using var again = new CppnImage(2, 24, 32, new Generator().manual_seed(0), layers: 4, hidden: 8);
        using var img2 = again.Image();
        Assert.Equal(0f, (img.detach() - img2).abs().max().item<float>());
    }
}
