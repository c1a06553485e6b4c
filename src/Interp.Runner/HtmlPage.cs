using System.Net;
using System.Text;
using Interp.Curriculum;
using Markdig;
using Microsoft.DotNet.Interactive.Documents;

namespace Interp.Runner;

/// <summary>Writes an executed notebook as a standalone HTML page, and the index of all pages.</summary>
public static class HtmlPage
{
    /// <summary>The plotly.js file written beside the pages; pages load it by relative path, so they need no network.</summary>
    public const string PlotlyFile = "plotly.min.js";

    static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder().UseAdvancedExtensions().Build();

    const string Style = """
        body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;line-height:1.5;color:#222}
        pre{background:#f6f8fa;padding:.6em;overflow-x:auto;border-radius:4px;font-size:13px}
        .cell{margin:1.2em 0}.code pre{border-left:3px solid #4a7bd0}.out{margin:.4em 0 .4em 1em}.out pre{white-space:pre-wrap}
        .stderr pre,.error pre{background:#fdecea;border-left:3px solid #c0392b}
        .meta{color:#777;font-size:12px}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px}
        """;

    /// <summary>The page for one executed notebook.</summary>
    public static string Render(InteractiveDocument document, NotebookResult result)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").Append(Enc(result.Title)).Append("</title>")
          .Append("<style>").Append(Style).Append("</style>")
          .Append("<script src=\"").Append(PlotlyFile).Append("\"></script></head><body>")
          .Append("<p class=\"meta\"><a href=\"index.html\">All notebooks</a> · executed headless by Interp.Runner in ")
          .Append(result.Seconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)).Append(" s")
          .Append(result.Succeeded ? "" : " · <b style=\"color:#c0392b\">FAILED</b>").Append("</p>");
        foreach (var skipped in result.SkippedCells)
            sb.Append("<p class=\"skipped\" style=\"background:#fff8e1;border-left:3px solid #f0ad4e;padding:4px 8px\"><a href=\"#cell-").Append(skipped.Index)
              .Append("\">Cell ").Append(skipped.Index).Append("</a> skipped: ").Append(Enc(skipped.Skipped!)).Append("</p>");
        foreach (var (cell, index) in document.Elements.Select((c, i) => (c, i + 1)))
        {
            if (cell.KernelName is "markdown" or "md")
            {
                sb.Append("<div class=\"cell md\">").Append(Markdig.Markdown.ToHtml(cell.Contents, Markdown)).Append("</div>");
                continue;
            }
            sb.Append("<div class=\"cell code\" id=\"cell-").Append(index).Append("\"><pre><code>").Append(Enc(cell.Contents)).Append("</code></pre>");
            foreach (var output in cell.Outputs) sb.Append(RenderOutput(output));
            sb.Append("</div>");
        }
        sb.Append("</body></html>");
        return sb.ToString();
    }

    static string RenderOutput(InteractiveDocumentOutputElement output) => output switch
    {
        TextElement t when t.Name == "stderr" => $"<div class=\"out stderr\"><pre>{Enc(t.Text)}</pre></div>",
        TextElement t => $"<div class=\"out\"><pre>{Enc(t.Text)}</pre></div>",
        ErrorElement e => $"<div class=\"out error\"><pre>{Enc(e.ErrorName)}: {Enc(e.ErrorValue)}</pre></div>",
        DisplayElement d => $"<div class=\"out\">{RenderData(d.Data)}</div>",
        ReturnValueElement r => $"<div class=\"out\">{RenderData(r.Data)}</div>",
        _ => "",
    };

    static string RenderData(IDictionary<string, object> data)
    {
        if (data.TryGetValue("text/html", out var html)) return html?.ToString() ?? "";
        if (data.TryGetValue("image/png", out var png)) return $"<img src=\"data:image/png;base64,{png}\"/>";
        if (data.TryGetValue("text/markdown", out var md)) return Markdig.Markdown.ToHtml(md?.ToString() ?? "", Markdown);
        if (data.TryGetValue("text/plain", out var text)) return $"<pre>{Enc(text?.ToString() ?? "")}</pre>";
        return "";
    }

    /// <summary>
    /// The index page: per notebook its time budget, prerequisites, open problems and learning objectives (from the
    /// syllabus, when there is one), and how its run went, linking every page.
    /// </summary>
    public static string Index(IReadOnlyList<NotebookResult> results, Syllabus? syllabus = null)
    {
        static string F(double v) => v.ToString("F1", System.Globalization.CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Interp.Notebooks</title><style>").Append(Style)
          .Append(".nb{border-top:1px solid #ddd;padding:.6em 0}.nb h2{margin:.2em 0;font-size:1.2em}</style></head><body><h1>Interp.Notebooks</h1>")
          .Append("<p>Mechanistic interpretability of image models, in C#. The solution version of each notebook, executed headless by Interp.Runner")
          .Append(syllabus is null ? "" : $"; {syllabus.Notebooks.Sum(e => e.Minutes)} minutes in all").Append(".</p>");
        foreach (var r in results)
        {
            var entry = syllabus?.For(r.Name + ".ipynb");
            sb.Append("<div class=\"nb\"><h2><a href=\"").Append(Enc(r.Name)).Append(".html\">").Append(Enc(r.Title)).Append("</a></h2><p class=\"meta\">");
            if (entry is not null)
                sb.Append("about ").Append(entry.Minutes).Append(" minutes · needs ").Append(entry.Prerequisites.Count == 0 ? "nothing" : Enc(string.Join(", ",
                    entry.Prerequisites)))
                  .Append(" · open problems ").Append(entry.OpenProblems.Count == 0 ? "—" : Enc(string.Join(", ",
                      entry.OpenProblems))).Append(" · ").Append(Enc(entry.Status)).Append(" · ");
            sb.Append("run: ").Append(r.Succeeded ? "ok" : "<b style=\"color:#c0392b\">failed</b>").Append(", ").Append(r.Cells.Count).Append('/').Append(r.CodeCells)
              .Append(" code cells in ").Append(F(r.Seconds)).Append(" s");
            if (r.SkippedCells.Count > 0) sb.Append(", ").Append(r.SkippedCells.Count).Append(" skipped (see the page)");
            sb.Append("</p>");
            if (entry is not null)
            {
                sb.Append("<ol>");
                foreach (var o in entry.Objectives) sb.Append("<li>").Append(Markdig.Markdown.ToHtml(o, Markdown).Replace("<p>", "").Replace("</p>", "").Trim()).Append("</li>");
                sb.Append("</ol>");
            }
            sb.Append("</div>");
        }
        sb.Append("</body></html>");
        return sb.ToString();
    }

    static string Enc(string s) => WebUtility.HtmlEncode(s);
}
