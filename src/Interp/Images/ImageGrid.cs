using System.Net;
using System.Text;
using static TorchSharp.torch;

namespace Interp.Images;

/// <summary>One captioned image of a grid. The grid owns the tensor.</summary>
public sealed record GridCell(Tensor Image, string Caption);

/// <summary>
/// Captioned images laid out in columns. Shown in notebooks as an HTML grid; also available as one
/// tiled PNG (without captions) and as data (<see cref="Cells"/>).
/// </summary>
public sealed class ImageGrid : IDisposable
{
    /// <summary>Creates a grid. Each image is [3,H,W] or [1,H,W] in [0, 1]; the grid takes ownership of the tensors.</summary>
    public ImageGrid(IEnumerable<GridCell> cells, int columns = 8, string? title = null, int cellPixels = 128)
    {
        Cells = cells.ToList();
        if (Cells.Count == 0) throw new ArgumentException("An image grid needs at least one image.", nameof(cells));
        if (columns < 1) throw new ArgumentOutOfRangeException(nameof(columns), columns, "Columns must be at least 1.");
        Columns = columns;
        Title = title;
        CellPixels = cellPixels;
    }

    /// <summary>Creates a grid from images and captions of equal count.</summary>
    public static ImageGrid Of(IReadOnlyList<Tensor> images, IReadOnlyList<string> captions, int columns = 8, string? title = null, int cellPixels = 128)
    {
        if (images.Count != captions.Count)
            throw new ArgumentException($"Got {images.Count} images but {captions.Count} captions; give one caption per image.");
        return new ImageGrid(images.Zip(captions, (i, c) => new GridCell(i, c)), columns, title, cellPixels);
    }

    /// <summary>The captioned images, in reading order.</summary>
    public IReadOnlyList<GridCell> Cells { get; }
    /// <summary>Images per row.</summary>
    public int Columns { get; }
    /// <summary>An optional title shown above the grid.</summary>
    public string? Title { get; }
    /// <summary>Display width of each cell in pixels (small activation maps are scaled up without smoothing).</summary>
    public int CellPixels { get; }

    /// <summary>Self-contained HTML (images as inline PNG data URIs).</summary>
    public string ToHtml()
    {
        var sb = new StringBuilder();
        sb.Append("<div class=\"interp-grid\" style=\"font-family:sans-serif\">");
        if (Title is not null) sb.Append("<div style=\"font-weight:bold;margin:4px 0\">").Append(WebUtility.HtmlEncode(Title)).Append("</div>");
        sb.Append("<div style=\"display:grid;grid-template-columns:repeat(").Append(Columns).Append(", ").Append(CellPixels).Append("px);gap:6px\">");
        foreach (var cell in Cells)
        {
            var png = Convert.ToBase64String(ImageIO.ToPng(cell.Image));
            sb.Append("<figure style=\"margin:0;text-align:center\"><img src=\"data:image/png;base64,").Append(png)
              .Append("\" style=\"width:").Append(CellPixels).Append("px;image-rendering:pixelated\" alt=\"").Append(WebUtility.HtmlEncode(cell.Caption))
              .Append("\"/><figcaption style=\"font-size:11px\">").Append(WebUtility.HtmlEncode(cell.Caption)).Append("</figcaption></figure>");
        }
        sb.Append("</div></div>");
        return sb.ToString();
    }

    /// <summary>All images tiled into one [3, H, W] tensor (cells padded to the largest, 2 px white gutters).</summary>
    public Tensor Tile()
    {
        using var scope = NewDisposeScope();
        var rgb = Cells.Select(c => c.Image.ndim == 2 ? c.Image.unsqueeze(0).expand(3, -1, -1) : c.Image.shape[0] == 1 ? c.Image.expand(3, -1, -1) : c.Image).ToList();
        long h = rgb.Max(t => t.shape[1]), w = rgb.Max(t => t.shape[2]);
        int rows = (Cells.Count + Columns - 1) / Columns, cols = Math.Min(Columns, Cells.Count);
        const int gutter = 2;
        var canvas = ones(3, rows * (h + gutter) - gutter, cols * (w + gutter) - gutter);
        for (int i = 0; i < rgb.Count; i++)
        {
            long top = i / Columns * (h + gutter), left = i % Columns * (w + gutter);
            canvas[.., TensorIndex.Slice(top, top + rgb[i].shape[1]), TensorIndex.Slice(left, left + rgb[i].shape[2])] = rgb[i].to(float32).cpu();
        }
        return canvas.MoveToOuterDisposeScope();
    }

    /// <summary>Frees the images.</summary>
    public void Dispose()
    {
        foreach (var c in Cells) c.Image.Dispose();
    }
}
