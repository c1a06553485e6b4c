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
        // Every entry: Lucid's color_correlation_svd_sqrt divided by its largest column norm (column 0's).
        double[,] lucid = { { 0.26, 0.09, 0.02 }, { 0.27, 0.00, -0.05 }, { 0.27, -0.09, 0.03 } };
        double maxNorm = Math.Sqrt(0.26 * 0.26 + 0.27 * 0.27 + 0.27 * 0.27);
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 3; c++)
                Assert.True(Math.Abs(lucid[r, c] / maxNorm - n[r, c]) < 1e-7, $"entry ({r},{c}): {n[r, c]} vs {lucid[r, c] / maxNorm}");
        // A pure first component maps to (almost) grey: the luminance axis.
        using var v = tensor(new float[] { 1, 0, 0 }, [1, 3, 1, 1]);
        using var rgb = ColorDecorrelation.ToRgb(v);
        var px = rgb.flatten().data<float>().ToArray();
        Assert.Equal(n[0, 0], px[0], 6);
        Assert.Equal(n[1, 0], px[1], 6);
        Assert.Equal(n[2, 0], px[2], 6);
    }

    [Fact]
    public void A_cppn_has_lucids_layers_and_initialization()
    {
        using var gen = new Generator().manual_seed(0);
        using var cppn = new CppnImage(1, 16, 16, gen);
        // Lucid's cppn(): 8 hidden 1×1 layers of 24 channels on (x, y), the composite activation doubling
        // each to 48, then 3 outputs. Weights [batch, out, in], biases [batch, out, 1].
        var weights = cppn.Parameters.Take(9).ToList();
        var biases = cppn.Parameters.Skip(9).ToList();
        Assert.Equal(18, cppn.Parameters.Count);
        Assert.Equal([1L, 24, 2], weights[0].shape);
        for (int i = 1; i < 8; i++) Assert.Equal([1L, 24, 48], weights[i].shape);
        Assert.Equal([1L, 3, 48], weights[8].shape);
        // The output layer starts at zero, so the first image is flat: sigmoid(bias) in each channel.
        Assert.Equal(0f, weights[8].abs().max().item<float>());
        using var img = cppn.Image();
        using var expected = biases[8].detach().sigmoid().view(1, 3, 1, 1).expand(1, 3, 16, 16);
        Assert.True((img - expected).abs().max().item<float>() < 1e-6f);
        // Hidden weights: truncated normal with the untruncated σ = √(1/fan-in)/0.8796, so the samples' own
        // standard deviation is √(1/fan-in) and none lies beyond 2σ. Pooled over layers 1..7 (8064 samples).
        using var hidden = cat(weights.Skip(1).Take(7).Select(w => w.detach().flatten()).ToList());
        double sigma = Math.Sqrt(1.0 / 48);
        Assert.True(hidden.abs().max().item<float>() <= 2 * sigma / CppnImage.TruncatedNormalStdFactor + 1e-6);
        Assert.InRange(hidden.std().item<float>(), 0.95 * sigma, 1.05 * sigma);
        // Biases N(0, 0.1): 8·24 + 3 = 195 samples.
        using var allBiases = cat(biases.Select(b => b.detach().flatten()).ToList());
        Assert.InRange(allBiases.std().item<float>(), 0.08, 0.12);
    }

    [Fact]
    public void Cppn_coordinates_and_activation_are_lucids()
    {
        // Lucid: coord_range = linspace(−√3, √3, width); y, x = meshgrid(range, range, "ij"); input [x, y].
        using var gen = new Generator().manual_seed(1);
        using var one = new CppnImage(1, 5, 5, gen, layers: 1, hidden: 1);
        var w = one.Parameters[0]; // [1, 1, 2]: picks x (column) or y (row)
        using (no_grad())
        {
            w.copy_(tensor(new float[] { 1, 0 }, [1, 1, 2]));
            one.Parameters[2].zero_(); // first bias
            one.Parameters[1].copy_(tensor(new float[] { 1, 0, 0, 0, 0, 0 }, [1, 3, 2])); // red = composite[0] = atan(x)/0.67
            one.Parameters[3].zero_();
        }
        using var img = one.Image();
        double r = Math.Sqrt(3);
        for (int col = 0; col < 5; col++)
        {
            double x = -r + 2 * r * col / 4;
            double expected = 1 / (1 + Math.Exp(-(Math.Atan(x) / 0.67)));
            Assert.Equal(expected, img[0, 0, 2, col].item<float>(), 5);
            Assert.Equal(expected, img[0, 0, 0, col].item<float>(), 5); // constant down a column: it is x
        }
        using var h = tensor(new float[] { 0.3f, -2f }, [1, 2, 1]);
        using var act = CppnImage.CompositeActivation(h);
        var v = act.data<float>().ToArray();
        var expectedAct = new[] { Math.Atan(0.3) / 0.67, Math.Atan(-2) / 0.67, Math.Atan(0.3) * Math.Atan(0.3) / 0.6, Math.Atan(-2) * Math.Atan(-2) / 0.6 };
        for (int i = 0; i < 4; i++) Assert.Equal(expectedAct[i], v[i], 6);
    }

    [Fact]
    public void A_cppn_makes_smooth_images_in_range_and_every_weight_gets_a_gradient()
    {
        using var gen = new Generator().manual_seed(0);
        using var cppn = new CppnImage(2, 24, 32, gen, layers: 4, hidden: 8);
        // Lucid's output layer starts at zero, which blocks every gradient but its own; move it first.
        using (no_grad()) cppn.Parameters[4].normal_(0, 0.5, generator: new Generator().manual_seed(7));
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
        using (no_grad()) again.Parameters[4].normal_(0, 0.5, generator: new Generator().manual_seed(7));
        using var img2 = again.Image();
        Assert.Equal(0f, (img.detach() - img2).abs().max().item<float>());
    }
}

/// <summary>The Fourier image the renderer optimizes, against a direct inverse DFT written out in the test.</summary>
public class FourierReferenceTests
{
    static double[] FftFreq(int n) => Enumerable.Range(0, n).Select(i => (double)(i < (n + 1) / 2 ? i : i - n) / n).ToArray();

    [Theory]
    [InlineData(4, 6, 1.0)]
    [InlineData(5, 5, 1.0)]   // odd width: Lucid's w/2 + 2 columns, an inverse FFT of width 6, cropped to 5
    [InlineData(6, 4, 2.0)]
    public void Raw_is_the_scaled_inverse_dft_of_the_spectrum_divided_by_four(int h, int w, double decay)
    {
        using var gen = new Generator().manual_seed(4);
        using var param = new FourierImage(1, h, w, gen, decay: decay, sd: 1);
        using var raw = param.Raw();
        var spec = param.Parameters[0].detach().contiguous().to(float64).data<double>().ToArray(); // [1, 3, H, Wf, 2]
        int wf = w / 2 + (w % 2 == 1 ? 2 : 1), n = 2 * (wf - 1);
        var fy = FftFreq(h);
        var fxAll = FftFreq(w);
        for (int c = 0; c < 3; c++)
        {
            // Scaled coefficients X[ky, kx].
            var re = new double[h, wf];
            var im = new double[h, wf];
            for (int ky = 0; ky < h; ky++)
                for (int kx = 0; kx < wf; kx++)
                {
                    double fx = kx < w ? fxAll[kx] : -fxAll[w - kx];
                    double f = Math.Sqrt(fx * fx + fy[ky] * fy[ky]);
                    double scale = Math.Sqrt(w * h) / Math.Pow(Math.Max(f, 1.0 / Math.Max(w, h)), decay);
                    int i = ((c * h + ky) * wf + kx) * 2;
                    re[ky, kx] = spec[i] * scale;
                    im[ky, kx] = spec[i + 1] * scale;
                }
            for (int y = 0; y < h; y++)
            {
                // Inverse DFT over rows, then a real inverse DFT of length n over columns (imaginary parts of
                // the first and Nyquist columns ignored, as a c2r transform does).
                var yr = new double[wf];
                var yi = new double[wf];
                for (int kx = 0; kx < wf; kx++)
                    for (int ky = 0; ky < h; ky++)
                    {
                        double a = 2 * Math.PI * ky * y / h;
                        yr[kx] += (re[ky, kx] * Math.Cos(a) - im[ky, kx] * Math.Sin(a)) / h;
                        yi[kx] += (re[ky, kx] * Math.Sin(a) + im[ky, kx] * Math.Cos(a)) / h;
                    }
                for (int x = 0; x < w; x++)
                {
                    double v = yr[0] + yr[n / 2] * (x % 2 == 0 ? 1 : -1);
                    for (int k = 1; k < n / 2; k++)
                    {
                        double a = 2 * Math.PI * k * x / n;
                        v += 2 * (yr[k] * Math.Cos(a) - yi[k] * Math.Sin(a));
                    }
                    double expected = v / n / 4;
                    double got = raw[0, c, y, x].item<float>();
                    Assert.True(Math.Abs(expected - got) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"channel {c} ({y},{x}): reference {expected} vs {got}");
                }
            }
        }
    }

    [Fact]
    public void The_exercise_formula_and_the_renderers_path_are_one()
    {
        using var gen = new Generator().manual_seed(5);
        using var param = new FourierImage(2, 8, 10, gen, sd: 1);
        using var raw = param.Raw();
        using var viaStatic = FourierImage.SpectrumToImage(view_as_complex(param.Parameters[0].detach()), 8, 10, 1.0);
        Assert.Equal(0f, (raw - viaStatic).abs().max().item<float>());
    }
}
