using System.Runtime.InteropServices;
using SkiaSharp;
using static TorchSharp.torch;

namespace Interp.ToyWorld;

/// <summary>
/// Draws the toy world's pictures with SkiaSharp: a noisy background, filled shapes (a ring as an outline) and words in the
/// shipped font (<c>data/fonts/DejaVuSans-Bold.ttf</c>), anti-aliased, as RGB tensors [3, H, W] in [0, 1].
/// </summary>
public sealed class ToyCanvas : IDisposable
{
    readonly SKBitmap _bitmap;
    readonly SKCanvas _canvas;

    // Before any SkiaSharp type initializes (its native library is looked up once, in SkiaApi's type initializer).
    static ToyCanvas() => Runtime.SkiaRuntime.EnsureLoaded();

    /// <summary>A canvas of <paramref name="size"/>² pixels filled with <paramref name="background"/> plus per-pixel noise (already drawn, RGB in [0, 1]).</summary>
    public ToyCanvas(int size, float[] background, Random random, float noise = 0.06f)
    {
        if (background.Length != 3) throw new ArgumentException("Give the background as three RGB values in [0, 1].", nameof(background));
        Size = size;
        _bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        var pixels = new byte[size * size * 4];
        for (int i = 0; i < size * size; i++)
        {
            for (int c = 0; c < 3; c++)
            {
                // Box–Muller from the seeded generator, so the noise is the same on every machine.
                double g = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
                pixels[i * 4 + c] = (byte)Math.Clamp(Math.Round((background[c] + noise * g) * 255), 0, 255);
            }
            pixels[i * 4 + 3] = 255;
        }
        Marshal.Copy(pixels, 0, _bitmap.GetPixels(), pixels.Length);
        _canvas = new SKCanvas(_bitmap);
    }

    /// <summary>Side in pixels.</summary>
    public int Size { get; }

    static SKColor Colour(float r, float g, float b) => new((byte)Math.Round(r * 255), (byte)Math.Round(g * 255), (byte)Math.Round(b * 255));

    /// <summary>Draws shape <paramref name="shape"/> (an index into <see cref="ToyConcepts.Shapes"/>) centred at (x, y) with radius r.</summary>
    public void DrawShape(int shape, float x, float y, float r, ToyColour colour)
    {
        using var paint = new SKPaint { Color = Colour(colour.R, colour.G, colour.B), IsAntialias = true, Style = SKPaintStyle.Fill };
        if (ToyConcepts.Shapes[shape] == "ring")
        {
            paint.Style = SKPaintStyle.Stroke;
            paint.StrokeWidth = 0.3f * r;
            _canvas.DrawCircle(x, y, 0.8f * r, paint);
            return;
        }
        using var path = ShapePath(ToyConcepts.Shapes[shape]);
        _canvas.Save();
        _canvas.Translate(x, y);
        _canvas.Scale(r);
        _canvas.DrawPath(path, paint);
        _canvas.Restore();
    }

    /// <summary>
    /// Draws <paramref name="text"/> centred on column <paramref name="x"/> with its baseline at row <paramref name="y"/>, in a
    /// shipped font (<see cref="Runtime.SkiaRuntime.FontFiles"/>; null: the training font).
    /// </summary>
    public void DrawWord(string text, float x, float y, float size, float grey, string? fontName = null)
    {
        using var font = new SKFont(Runtime.SkiaRuntime.Font(fontName), size) { Edging = SKFontEdging.Antialias };
        using var paint = new SKPaint { Color = Colour(grey, grey, grey), IsAntialias = true };
        _canvas.DrawText(text, x, y, SKTextAlign.Center, font, paint);
    }

    /// <summary>The width in pixels <paramref name="text"/> takes at <paramref name="size"/> in a shipped font (null: the training font).</summary>
    public static float WordWidth(string text, float size, string? fontName = null)
    {
        using var font = new SKFont(Runtime.SkiaRuntime.Font(fontName), size);
        return font.MeasureText(text);
    }

    /// <summary>The picture as an RGB tensor [3, H, W] in [0, 1].</summary>
    public Tensor ToTensor()
    {
        _canvas.Flush();
        var bytes = new byte[Size * Size * 4];
        Marshal.Copy(_bitmap.GetPixels(), bytes, 0, bytes.Length);
        var rgb = new float[3 * Size * Size];
        for (int i = 0; i < Size * Size; i++)
            for (int c = 0; c < 3; c++)
                rgb[c * Size * Size + i] = bytes[i * 4 + c] / 255f;
        return tensor(rgb, [3, Size, Size]);
    }

    /// <summary>The outline of a filled shape in unit coordinates (radius 1, y down).</summary>
    static SKPath ShapePath(string shape)
    {
        using var p = new SKPathBuilder();
        void Polygon(params float[] xy)
        {
            p.MoveTo(xy[0], xy[1]);
            for (int i = 2; i < xy.Length; i += 2) p.LineTo(xy[i], xy[i + 1]);
            p.Close();
        }
        switch (shape)
        {
            case "circle": p.AddCircle(0, 0, 1); break;
            case "square": p.AddRect(new SKRect(-0.8f, -0.8f, 0.8f, 0.8f)); break;
            case "triangle": Polygon(0, -1, 0.87f, 0.5f, -0.87f, 0.5f); break;
            case "star":
                var star = new List<float>();
                for (int i = 0; i < 10; i++)
                {
                    double a = -Math.PI / 2 + i * Math.PI / 5, radius = i % 2 == 0 ? 1 : 0.45;
                    star.Add((float)(radius * Math.Cos(a)));
                    star.Add((float)(radius * Math.Sin(a)));
                }
                Polygon([.. star]);
                break;
            case "heart":
                p.MoveTo(0, 0.9f);
                p.CubicTo(-1.25f, 0.05f, -0.75f, -0.95f, 0, -0.35f);
                p.CubicTo(0.75f, -0.95f, 1.25f, 0.05f, 0, 0.9f);
                p.Close();
                break;
            case "cross": Polygon(-0.3f, -1, 0.3f, -1, 0.3f, -0.3f, 1, -0.3f, 1, 0.3f, 0.3f, 0.3f, 0.3f, 1, -0.3f, 1, -0.3f, 0.3f, -1, 0.3f, -1, -0.3f, -0.3f, -0.3f); break;
            case "arrow": Polygon(-1, -0.25f, 0.15f, -0.25f, 0.15f, -0.7f, 1, 0, 0.15f, 0.7f, 0.15f, 0.25f, -1, 0.25f); break;
            case "moon":
                using (var outer = new SKPathBuilder())
                using (var bite = new SKPathBuilder())
                {
                    outer.AddCircle(0, 0, 1);
                    bite.AddCircle(0.45f, -0.2f, 0.85f);
                    using var outerPath = outer.Detach();
                    using var bitePath = bite.Detach();
                    using var moon = outerPath.Op(bitePath, SKPathOp.Difference);
                    p.AddPath(moon);
                }
                break;
            case "diamond": Polygon(0, -1, 0.7f, 0, 0, 1, -0.7f, 0); break;
            case "bolt": Polygon(0.25f, -1, -0.55f, 0.1f, -0.05f, 0.1f, -0.25f, 1, 0.55f, -0.15f, 0.05f, -0.15f); break;
            case "house":
                Polygon(-0.95f, -0.05f, 0, -0.95f, 0.95f, -0.05f);
                p.AddRect(new SKRect(-0.7f, -0.1f, 0.7f, 0.9f));
                break;
            default: throw new ArgumentException($"Unknown shape '{shape}'; the shapes are {string.Join(", ", ToyConcepts.Shapes)}.", nameof(shape));
        }
        return p.Detach();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _canvas.Dispose();
        _bitmap.Dispose();
    }
}
