using Interp.FeatureVisualization.Transforms;
using static TorchSharp.torch;

namespace Interp.Tests.FeatureVisualization;

public class TransformTests
{
    static Tensor Ramp(int c, int h, int w) => arange(c * h * w, dtype: float32).reshape(1, c, h, w) / (c * h * w);

    /// <summary>Bilinear sampling at a real-valued (y, x) with zeros outside: an independent reference.</summary>
    static float Sample(float[,] img, double y, double x)
    {
        int h = img.GetLength(0), w = img.GetLength(1);
        int y0 = (int)Math.Floor(y), x0 = (int)Math.Floor(x);
        double fy = y - y0, fx = x - x0, v = 0;
        for (int dy = 0; dy <= 1; dy++)
            for (int dx = 0; dx <= 1; dx++)
            {
                int yy = y0 + dy, xx = x0 + dx;
                double wgt = (dy == 0 ? 1 - fy : fy) * (dx == 0 ? 1 - fx : fx);
                if (yy >= 0 && yy < h && xx >= 0 && xx < w) v += wgt * img[yy, xx];
            }
        return (float)v;
    }

    static float[,] Plane(Tensor t, int c)
    {
        long h = t.shape[2], w = t.shape[3];
        var p = new float[h, w];
        var data = t[0, c].contiguous().data<float>().ToArray();
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) p[y, x] = data[y * w + x];
        return p;
    }

    [Fact]
    public void Pad_surrounds_the_image_with_the_constant()
    {
        using var img = Ramp(3, 4, 5);
        using var gen = new Generator().manual_seed(0);
        using var padded = new Pad(2, 0.5f).Apply(img, gen);
        using var expected = full([1, 3, 8, 9], 0.5f);
        expected[.., .., 2..6, 2..7] = img;
        Assert.Equal(0f, (padded - expected).abs().max().item<float>());
    }

    [Fact]
    public void Jitter_crops_at_offsets_drawn_from_the_generator()
    {
        using var img = Ramp(3, 10, 12);
        using var gen = new Generator().manual_seed(42);
        using var out1 = new Jitter(3).Apply(img, gen);
        using var check = new Generator().manual_seed(42);
        using var dyT = randint(0, 4, [1], generator: check, dtype: int64);
        using var dxT = randint(0, 4, [1], generator: check, dtype: int64);
        long dy = dyT.item<long>(), dx = dxT.item<long>();
        Assert.Equal([1L, 3, 7, 9], out1.shape);
        using var expected = img[.., .., (int)dy..(int)(dy + 7), (int)dx..(int)(dx + 9)];
        Assert.Equal(0f, (out1 - expected).abs().max().item<float>());
    }

    [Fact]
    public void Random_scale_matches_a_reference_bilinear_resampling()
    {
        using var img = rand([1, 2, 7, 9], generator: new Generator().manual_seed(1));
        using var gen = new Generator().manual_seed(0);
        using var scaled = new RandomScale([1.5]).Apply(img, gen);
        Assert.Equal([1L, 2, 10, 13], scaled.shape); // sizes are truncated: 7·1.5 = 10.5 → 10, 9·1.5 = 13.5 → 13
        // Half-pixel centres: output pixel i samples input coordinate (i + 0.5)·(in/out) − 0.5, clamped at the border.
        for (int c = 0; c < 2; c++)
        {
            var p = Plane(img, c);
            var got = Plane(scaled, c);
            for (int y = 0; y < 10; y++)
                for (int x = 0; x < 13; x++)
                {
                    double sy = Math.Clamp((y + 0.5) * 7 / 10.0 - 0.5, 0, 6), sx = Math.Clamp((x + 0.5) * 9 / 13.0 - 0.5, 0, 8);
                    Assert.True(Math.Abs(Sample(p, sy, sx) - got[y, x]) < 1e-5, $"({y},{x}): reference {Sample(p, sy, sx)} vs {got[y, x]}");
                }
        }
    }

    [Fact]
    public void Rotating_by_90_degrees_is_an_exact_quarter_turn()
    {
        using var img = Ramp(3, 6, 6);
        using var rotated = RandomRotate.Rotate(img, 90, bilinear: true);
        using var expected = img.rot90(1, (2, 3)); // counter-clockwise quarter turn
        Assert.True((rotated - expected).abs().max().item<float>() < 1e-5f);
    }

    /// <summary>
    /// Checks a rotation of a random 9×11 image against <paramref name="sample"/>(input plane, y, x) at the
    /// point each output pixel comes from: output (x, y) on screen (y down) samples the input rotated back.
    /// </summary>
    static void AssertRotation(double degrees, bool bilinear, Func<float[,], double, double, float> sample, float tolerance)
    {
        using var img = rand([1, 1, 9, 11], generator: new Generator().manual_seed(2));
        using var rotated = RandomRotate.Rotate(img, degrees, bilinear);
        var p = Plane(img, 0);
        var got = Plane(rotated, 0);
        double a = degrees * Math.PI / 180, cy = (9 - 1) / 2.0, cx = (11 - 1) / 2.0;
        for (int y = 0; y < 9; y++)
            for (int x = 0; x < 11; x++)
            {
                double dx = x - cx, dy = y - cy;
                double sx = Math.Cos(a) * dx - Math.Sin(a) * dy + cx;
                double sy = Math.Sin(a) * dx + Math.Cos(a) * dy + cy;
                float expected = sample(p, sy, sx);
                Assert.True(Math.Abs(expected - got[y, x]) <= tolerance, $"({y},{x}): reference {expected} vs {got[y, x]}");
            }
    }

    [Fact]
    public void Rotation_matches_a_reference_bilinear_rotation_about_the_centre() => AssertRotation(17, bilinear: true, Sample, 1e-5f);

    [Fact]
    public void Rotation_by_default_samples_the_nearest_pixel_as_lucids() => AssertRotation(-8, bilinear: false, (p, y, x) =>
    {
        int sy = (int)Math.Round(y, MidpointRounding.ToEven), sx = (int)Math.Round(x, MidpointRounding.ToEven);
        return sy >= 0 && sy < p.GetLength(0) && sx >= 0 && sx < p.GetLength(1) ? p[sy, sx] : 0;
    }, 0);

    [Fact]
    public void The_standard_stack_is_lucids()
    {
        var stack = TransformStack.Standard;
        Assert.Equal("pad(12, 0.5) → jitter(8) → scale(0.9,0.92,0.94,0.96,0.98,1,1.02,1.04,1.06,1.08,1.1) → rotate(-10..10°, 26 choices) → jitter(4)", stack.Description);
        // Every parameter, in full, against Lucid's lists: [1 + (i − 5)/50 for i in range(11)] and
        // list(range(−10, 11)) + 5·[0], nearest-neighbour rotation, constant padding 0.5.
        var parts = stack.Transforms;
        Assert.Equal(new Pad(12, 0.5f), parts[0]);
        Assert.Equal(new Jitter(8), parts[1]);
        Assert.Equal(new double[] { 0.9, 0.92, 0.94, 0.96, 0.98, 1.0, 1.02, 1.04, 1.06, 1.08, 1.1 }, ((RandomScale)parts[2]).Scales.ToArray(), new DoubleTol(1e-12));
        var rotate = (RandomRotate)parts[3];
        Assert.Equal(new double[] { -10, -9, -8, -7, -6, -5, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 0, 0, 0, 0 }, rotate.Degrees.ToArray());
        Assert.False(rotate.Bilinear);
        Assert.Equal(new Jitter(4), parts[4]);
        Assert.Equal(5, parts.Count);
        using var img = rand(1, 3, 128, 128);
        using var gen = new Generator().manual_seed(5);
        for (int i = 0; i < 5; i++)
        {
            using var t = stack.Apply(img, gen);
            Assert.InRange(t.shape[2], (long)(144 * 0.9) - 4, (long)(144 * 1.1) - 4);
            Assert.Equal(t.shape[2], t.shape[3]);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_transformations()
    {
        using var img = rand(1, 3, 64, 64);
        using var g1 = new Generator().manual_seed(9);
        using var g2 = new Generator().manual_seed(9);
        for (int i = 0; i < 4; i++)
        {
            using var a = TransformStack.Standard.Apply(img, g1);
            using var b = TransformStack.Standard.Apply(img, g2);
            Assert.Equal(a.shape, b.shape);
            Assert.Equal(0f, (a - b).abs().max().item<float>());
        }
    }

    sealed class DoubleTol(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;
        public int GetHashCode(double obj) => 0;
    }
}
