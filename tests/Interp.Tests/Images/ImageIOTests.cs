using Interp.Images;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Interp.Tests.Images;

public class ImageIOTests
{
    static string Sample(string file) => Path.Combine(TestPaths.RepoRoot, "data", "images", file);

    [Fact]
    public void Every_sample_photo_matches_the_hash_in_its_provenance_row() =>
        ProvenanceTable.AssertEveryFileMatchesItsRow(Path.Combine(TestPaths.RepoRoot, "data", "images"), "sha256", expectedFiles: 6);

    [Fact]
    public void Loads_a_real_photo_as_rgb_in_unit_range()
    {
        using var cat = ImageIO.Load(Sample("chelsea.png"));
        Assert.Equal([3L, 300, 451], cat.shape);
        Assert.Equal(ScalarType.Float32, cat.dtype);
        Assert.True(cat.min().item<float>() >= 0 && cat.max().item<float>() <= 1);
        // Independent check of one pixel against ImageSharp's own decoding.
        using var img = Image.Load<Rgb24>(Sample("chelsea.png"));
        var p = img[100, 50]; // x=100, y=50
        Assert.Equal(p.R / 255f, cat[0, 50, 100].item<float>(), 6);
        Assert.Equal(p.G / 255f, cat[1, 50, 100].item<float>(), 6);
        Assert.Equal(p.B / 255f, cat[2, 50, 100].item<float>(), 6);
    }

    [Fact]
    public void Png_round_trip_is_exact_for_8_bit_values()
    {
        using var gen = new Generator().manual_seed(3);
        using var bytes = randint(0, 256, [3, 17, 23], generator: gen);
        using var image = bytes.to(float32) / 255f;
        var dir = TestPaths.Temp("png");
        var path = Path.Combine(dir, "x.png");
        ImageIO.Save(image, path);
        using var back = ImageIO.Load(path);
        Assert.Equal(0f, (back - image).abs().max().item<float>(), 6);
    }

    [Fact]
    public void Saving_values_outside_the_unit_range_is_an_error_not_a_silent_clamp()
    {
        using var bad = full([3, 8, 8], 1.5f);
        var e = Assert.Throws<ArgumentException>(() => ImageIO.ToPng(bad));
        Assert.Contains("[0,1]", e.Message);
        Assert.Contains("clamp", e.Message);
        Assert.NotEmpty(ImageIO.ToPng(bad, clamp: true));
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var e = Assert.Throws<ImageLoadException>(() => ImageIO.Load("/nonexistent/cat.png"));
        Assert.Contains("/nonexistent/cat.png", e.Message);
    }

    [Fact]
    public void An_unsupported_file_lists_the_supported_formats()
    {
        var path = Path.Combine(TestPaths.Temp("img"), "notes.png");
        File.WriteAllText(path, "This is plain text that merely has a .png name.");
        var e = Assert.Throws<ImageLoadException>(() => ImageIO.Load(path));
        Assert.Contains("not an image in a supported format", e.Message);
        Assert.Contains("PNG, JPEG", e.Message);
    }

    [Fact]
    public void A_truncated_png_is_reported_as_truncated()
    {
        var bytes = File.ReadAllBytes(Sample("chelsea.png"));
        var path = Path.Combine(TestPaths.Temp("img"), "truncated.png");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 3)]);
        var e = Assert.Throws<ImageLoadException>(() => ImageIO.Load(path));
        Assert.Contains("PNG file that is truncated", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_truncated_jpeg_is_reported_as_truncated()
    {
        var bytes = File.ReadAllBytes(Sample("rocket.jpg"));
        var path = Path.Combine(TestPaths.Temp("img"), "truncated.jpg");
        File.WriteAllBytes(path, bytes[..(bytes.Length / 3)]);
        var e = Assert.Throws<ImageLoadException>(() => ImageIO.Load(path));
        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void A_corrupt_png_body_is_reported()
    {
        var bytes = File.ReadAllBytes(Sample("chelsea.png"));
        var corrupt = (byte[])bytes.Clone();
        for (int i = 200; i < corrupt.Length - 100; i += 7) corrupt[i] ^= 0x5A;
        var path = Path.Combine(TestPaths.Temp("img"), "corrupt.png");
        File.WriteAllBytes(path, corrupt);
        var e = Assert.Throws<ImageLoadException>(() => ImageIO.Load(path));
        Assert.Contains("corrupt", e.Message);
    }

    [Fact]
    public void The_decoded_size_is_capped_before_decoding()
    {
        var e = Assert.Throws<ImageLoadException>(() => ImageIO.Load(Sample("chelsea.png"), maxPixels: 100_000));
        Assert.Contains("451x300", e.Message);
        Assert.Contains("cap", e.Message);
    }

    [Fact]
    public void Resize_center_crop_gives_a_square_of_the_requested_size()
    {
        using var cat = ImageIO.Load(Sample("chelsea.png"));
        using var crop = ImageTensors.ResizeCenterCrop(cat, 224);
        Assert.Equal([3L, 224, 224], crop.shape);
        Assert.True(crop.min().item<float>() >= 0 && crop.max().item<float>() <= 1);
    }
}
