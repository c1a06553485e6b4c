using System.Runtime.InteropServices;
using SkiaSharp;
using static TorchSharp.torch;

namespace Interp.Multimodal;

/// <summary>
/// Writes text onto any image, for typographic attacks: the text's anti-aliased coverage (drawn with SkiaSharp in the shipped
/// DejaVu Sans Bold) blends a solid grey into the picture, so pixels the text does not touch keep their exact values.
/// </summary>
public static class TextOverlay
{
    // Before any SkiaSharp type initializes (its native library is looked up once, in SkiaApi's type initializer).
    static TextOverlay() => Runtime.SkiaRuntime.EnsureLoaded();

    /// <summary>
    /// The fraction of each pixel [H, W] the text covers, centred on column <paramref name="x"/> with its baseline on row
    /// <paramref name="y"/>, <paramref name="size"/> px high, in a shipped font (<see cref="Runtime.SkiaRuntime.FontFiles"/>; null: the training font).
    /// </summary>
    public static Tensor Coverage(string text, float x, float y, float size, int height, int width, string? font = null)
    {
        if (string.IsNullOrEmpty(text)) throw new ArgumentException("Give some text to write.", nameof(text));
        if (size <= 0) throw new ArgumentOutOfRangeException(nameof(size), size, "The text size must be positive (pixels).");
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Alpha8, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        using (var typeface = new SKFont(Runtime.SkiaRuntime.Font(font), size) { Edging = SKFontEdging.Antialias })
        using (var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true })
        {
            canvas.Clear(SKColors.Transparent);
            canvas.DrawText(text, x, y, SKTextAlign.Center, typeface, paint);
            canvas.Flush();
        }
        var alpha = new byte[height * bitmap.RowBytes];
        Marshal.Copy(bitmap.GetPixels(), alpha, 0, alpha.Length);
        var values = new float[height * width];
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
                values[r * width + c] = alpha[r * bitmap.RowBytes + c] / 255f;
        return tensor(values, [height, width]);
    }

    /// <summary>Images [N, 3, H, W] (or one [3, H, W]) with <paramref name="text"/> written on each in grey level <paramref name="grey"/> (0 black, 1 white), in a shipped font
    /// (null: the training font).</summary>
    public static Tensor Paste(Tensor images, string text, float x, float y, float size, float grey = 1f, string? font = null)
    {
        if (images.ndim is not (3 or 4) || images.shape[^3] != 3)
            throw new ArgumentException($"Give RGB images [N, 3, H, W] or [3, H, W]; got [{string.Join(", ", images.shape)}].", nameof(images));
        if (!(grey is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(grey), grey, "The grey level is in [0, 1].");
        if (!float.IsFinite(x) || !float.IsFinite(y)) throw new ArgumentOutOfRangeException(nameof(x), $"The text's position must be finite; got ({x}, {y}).");
        if (!(size > 0) || !float.IsFinite(size)) throw new ArgumentOutOfRangeException(nameof(size), size, "The text size is a positive number of pixels.");
        using var scope = NewDisposeScope();
        var alpha = Coverage(text, x, y, size, (int)images.shape[^2], (int)images.shape[^1], font).to(images.dtype, images.device);
        return (images * (1 - alpha) + grey * alpha).MoveToOuterDisposeScope();
    }
}
