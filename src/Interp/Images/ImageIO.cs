using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.PixelFormats;
using static TorchSharp.torch;

namespace Interp.Images;

/// <summary>
/// Loads and saves images as tensors. Library images are float32 RGB in [0, 1], shape [3, H, W]
/// (a batch is [N, 3, H, W]). Decoding is capped in size and every failure says what was wrong.
/// </summary>
public static class ImageIO
{
    /// <summary>The default cap on decoded pixels (width × height): 40 megapixels.</summary>
    public const long DefaultMaxPixels = 40_000_000;

    /// <summary>File extensions that can be loaded.</summary>
    public static IReadOnlyList<string> SupportedExtensions { get; } = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tga", ".webp"];

    /// <summary>Loads an image file as a [3, H, W] float32 RGB tensor in [0, 1].</summary>
    /// <exception cref="ImageLoadException">The file is missing, unsupported, corrupt, truncated or larger than <paramref name="maxPixels"/>.</exception>
    public static Tensor Load(string path, long maxPixels = DefaultMaxPixels)
    {
        if (!File.Exists(path)) throw new ImageLoadException($"No image file at '{path}'.");
        return Decode(File.ReadAllBytes(path), $"'{path}'", maxPixels);
    }

    /// <summary>Decodes image bytes (PNG, JPEG, BMP, GIF, TGA, WebP) as a [3, H, W] float32 RGB tensor in [0, 1].</summary>
    public static Tensor Decode(byte[] bytes, string description = "the image data", long maxPixels = DefaultMaxPixels)
    {
        Runtime.TorchRuntime.EnsureLoaded();
        IImageFormat? format;
        IImageInfo? info;
        try
        {
            info = Image.Identify(bytes, out format);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // ImageSharp's decoders raise many exception types on damaged data (even NullReferenceException,
            // found by the fuzz test); all of them mean the same thing here.
            throw new ImageLoadException($"{description} is corrupt: its header cannot be read ({e.GetType().Name}: {e.Message}).", e);
        }
        if (info is null || format is null)
            throw new ImageLoadException($"{description} is not an image in a supported format. Supported: PNG, JPEG, BMP, GIF, TGA, WebP.");
        long pixels = (long)info.Width * info.Height;
        if (pixels > maxPixels)
            throw new ImageLoadException($"{description} is {info.Width}x{info.Height} = {pixels:N0} pixels, more than the cap of {maxPixels:N0}. Resize it first or pass a " +
                "larger maxPixels.");
        ImageIntegrity.Verify(bytes, format.Name, description);
        try
        {
            var config = Configuration.Default.Clone();
            using var image = Image.Load<Rgb24>(config, bytes);
            return FromImage(image);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ImageLoadException($"{description} is a {format.Name} file that cannot be decoded: it is corrupt or truncated ({e.GetType().Name}: {e.Message}).", e);
        }
    }

    /// <summary>Converts an ImageSharp image to a [3, H, W] float32 tensor in [0, 1].</summary>
    public static Tensor FromImage(Image<Rgb24> image)
    {
        var bytes = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(bytes);
        using var scope = NewDisposeScope();
        var t = tensor(bytes, [image.Height, image.Width, 3]).permute(2, 0, 1).to(float32).div_(255f);
        return t.contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Converts a [3, H, W] or [1, H, W] tensor in [0, 1] to an ImageSharp image. Values outside
    /// [0, 1] are an error unless <paramref name="clamp"/> is set, so nothing is silently lost.
    /// </summary>
    public static Image<Rgb24> ToImage(Tensor image, bool clamp = false)
    {
        using var scope = NewDisposeScope();
        var t = image.detach().cpu().to(float32);
        if (t.ndim == 4 && t.shape[0] == 1) t = t.squeeze(0);
        if (t.ndim == 2) t = t.unsqueeze(0);
        if (t.ndim != 3 || (t.shape[0] != 3 && t.shape[0] != 1))
            throw new ArgumentException($"Expected an image tensor [3,H,W] or [1,H,W] (or a batch of one); got [{string.Join(",", image.shape)}].");
        if (t.shape[0] == 1) t = t.expand(3, -1, -1);
        if (!clamp)
        {
            float lo = t.min().item<float>(), hi = t.max().item<float>();
            if (float.IsNaN(lo) || float.IsNaN(hi))
                throw new ArgumentException("The image tensor contains NaN.");
            if (lo < -1e-6f || hi > 1 + 1e-6f)
                throw new ArgumentException($"Image values must be in [0,1]; found {lo:G4}..{hi:G4}. Normalize it (e.g. ImageTensors.Normalize) or pass clamp: true.");
        }
        var bytes = t.clamp(0, 1).mul(255f).round().to(ScalarType.Byte).permute(1, 2, 0).contiguous().data<byte>().ToArray();
        return Image.LoadPixelData<Rgb24>(bytes, (int)t.shape[2], (int)t.shape[1]);
    }

    /// <summary>Encodes as PNG bytes.</summary>
    public static byte[] ToPng(Tensor image, bool clamp = false)
    {
        using var img = ToImage(image, clamp);
        using var ms = new MemoryStream();
        img.SaveAsPng(ms);
        return ms.ToArray();
    }

    /// <summary>Saves as PNG or JPEG (by extension).</summary>
    public static void Save(Tensor image, string path, bool clamp = false)
    {
        var ext = Path.GetExtension(path).ToLowerInvariant();
        using var img = ToImage(image, clamp);
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        switch (ext)
        {
            case ".png": img.SaveAsPng(path); break;
            case ".jpg" or ".jpeg": img.SaveAsJpeg(path); break;
            default: throw new ArgumentException($"Cannot save '{path}': use a .png, .jpg or .jpeg extension.");
        }
    }
}
