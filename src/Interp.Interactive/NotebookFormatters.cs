using System.Globalization;
using System.Net;
using Interp.Exercises;
using Interp.Hooks;
using Interp.Images;
using Interp.Plots;
using Microsoft.DotNet.Interactive.Formatting;
using static TorchSharp.torch;

namespace Interp.Interactive;

/// <summary>
/// Registers how library values look in a notebook: an image tensor as an image, an image grid as a
/// grid, a chart as a chart, a check as a verdict. Works in the stock Jupyter kernel and in Interp.Runner.
/// </summary>
public static class NotebookFormatters
{
    static bool _registered;

    /// <summary>Registers the formatters (idempotent).</summary>
    public static void Register()
    {
        if (_registered) return;
        _registered = true;
        Formatter.Register<Tensor>((t, writer) => writer.Write(TensorHtml(t)), HtmlFormatter.MimeType);
        Formatter.Register<ImageGrid>((g, writer) => writer.Write(g.ToHtml()), HtmlFormatter.MimeType);
        Formatter.Register<Chart>((c, writer) => writer.Write(c.ToHtml()), HtmlFormatter.MimeType);
        Formatter.Register<Table>((t, writer) => writer.Write(t.ToHtml()), HtmlFormatter.MimeType);
        Formatter.Register<NotebookProgress.ProgressHtml>((p, writer) => writer.Write(p.Html), HtmlFormatter.MimeType);
        Formatter.Register<Interp.FeatureVisualization.Rendering.RenderResult>((r, writer) => writer.Write(RenderHtml(r)), HtmlFormatter.MimeType);
        Formatter.Register<Interp.Zoo.EnvironmentReport>((r, writer) => writer.Write(EnvironmentHtml(r)), HtmlFormatter.MimeType);
        Formatter.Register<CheckResult>((r, writer) => writer.Write(CheckHtml(r)), HtmlFormatter.MimeType);
        Formatter.Register<HookedModel>((m, writer) => writer.Write(ModelHtml(m)), HtmlFormatter.MimeType);
    }

    /// <summary>An image tensor ([3,H,W], [1,3,H,W] or [1,H,W], values in [0,1]) as an inline PNG; any other tensor as its shape, dtype and values.</summary>
    public static string TensorHtml(Tensor t)
    {
        if (IsImage(t))
        {
            var png = Convert.ToBase64String(ImageIO.ToPng(t));
            long h = t.shape[^2], w = t.shape[^1];
            int scale = Math.Max(1, (int)(224 / Math.Max(h, w)));
            return $"<img src=\"data:image/png;base64,{png}\" width=\"{w * scale}\" style=\"image-rendering:pixelated\" title=\"image [{string.Join(",", t.shape)}]\"/>";
        }
        var header = $"Tensor [{string.Join(",", t.shape)}] {t.dtype} on {t.device}";
        var body = t.numel() <= 200 ? t.cpu().ToString(TorchSharp.TensorStringStyle.Numpy, fltFormat: "G4", cultureInfo: CultureInfo.InvariantCulture)
            : "(large: index or summarize it to see values)";
        return $"<pre>{WebUtility.HtmlEncode(header)}\n{WebUtility.HtmlEncode(body)}</pre>";
    }

    static bool IsImage(Tensor t)
    {
        if (!t.is_floating_point() || t.numel() == 0) return false;
        bool shape = (t.ndim == 3 && t.shape[0] is 1 or 3) || (t.ndim == 4 && t.shape[0] == 1 && t.shape[1] is 1 or 3);
        if (!shape || t.shape[^1] < 8 || t.shape[^2] < 8) return false;
        using var _ = NewDisposeScope();
        var d = t.detach();
        return d.min().item<float>() >= 0 && d.max().item<float>() <= 1;
    }

    static string CheckHtml(CheckResult r)
    {
        var color = r.Passed ? "#1e7e34" : "#c0392b";
        var hint = r.Hint is null ? "" : $"<div style=\"margin-top:4px\"><i>Hint:</i> {WebUtility.HtmlEncode(r.Hint)}</div>";
        return $"<div style=\"border-left:4px solid {color};padding:4px 8px;font-family:sans-serif\"><b style=\"color:{color}\">{(r.Passed ? "✅ Passed" : "❌ Not yet")}</b> — " +
            $"{WebUtility.HtmlEncode(r.Exercise)}<div>{WebUtility.HtmlEncode(r.Message)}</div>{hint}</div>";
    }

    static string EnvironmentHtml(Interp.Zoo.EnvironmentReport r) =>
        new Table(["", ""], [
            ["Operating system", r.OperatingSystem], ["CPU", r.Cpu], [".NET", r.DotNet], ["TorchSharp", r.TorchSharp],
            ["Threads", $"{r.Threads} of {r.Cores} cores"], ["Native loading", r.NativeLoading], ["Convolution", r.Convolution], ["Allocator", r.Allocator],
            ["Models", string.Join("; ", r.Models)],
        ], "Environment").ToHtml();

    static string RenderHtml(Interp.FeatureVisualization.Rendering.RenderResult r)
    {
        using var grid = r.Grid();
        var p = r.Provenance;
        return grid.ToHtml() + $"<div style=\"font-size:11px;color:#555;font-family:sans-serif\">{WebUtility.HtmlEncode(p.Parameterization)} · " +
            $"{WebUtility.HtmlEncode(p.Transforms)} · {p.Spec.Steps} steps · seed {p.Spec.Seed} · {WebUtility.HtmlEncode(p.Precision)} · objective " +
                $"{r.History[^1].ToString("G4", CultureInfo.InvariantCulture)}</div>";
    }

    static string ModelHtml(HookedModel m) =>
        $"<div style=\"font-family:sans-serif\"><b>{WebUtility.HtmlEncode(m.Name)}</b>: {m.LayerNames.Count} hookable layers; input " +
            $"{WebUtility.HtmlEncode(m.Input.ToString())}</div>";
}
