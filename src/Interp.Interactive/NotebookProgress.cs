using System.Diagnostics;
using System.Globalization;
using System.Net;
using Interp.Datasets;
using Interp.FeatureVisualization.Rendering;
using Interp.Microscope;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Formatting;

namespace Interp.Interactive;

/// <summary>
/// A progress bar that updates in place in the notebook cell that started a long computation
/// (a render, a dataset scan). Updates are throttled; the final step is always shown.
/// </summary>
public sealed class NotebookProgress : IProgress<RenderProgress>, IProgress<ScanProgress>, IProgress<MicroscopeProgress>
{
    readonly string _title;
    readonly DisplayedValue? _display;
    readonly Stopwatch _sinceUpdate = Stopwatch.StartNew();

    NotebookProgress(string title)
    {
        _title = title;
        _display = KernelInvocationContext.Current?.Display(new ProgressHtml(Html(0, 1, double.NaN, TimeSpan.Zero)), "text/html");
    }

    /// <summary>Shows a bar titled <paramref name="title"/> in the current cell and returns it as a progress sink.</summary>
    public static NotebookProgress Bar(string title = "rendering") => new(title);

    /// <inheritdoc/>
    public void Report(RenderProgress value) => Show(value.Step, value.Steps, value.Objective, value.Elapsed, remaining: null);

    /// <summary>Shows a dataset scan's images done, elapsed time and estimated time left.</summary>
    public void Report(ScanProgress value) => Show(value.Done, value.Total, double.NaN, value.Elapsed, value.Remaining);

    /// <summary>Shows a Microscope build's units done, elapsed time and estimated time left.</summary>
    public void Report(MicroscopeProgress value) => Show(value.Done, value.Total, double.NaN, value.Elapsed, value.Remaining);

    void Show(int step, int steps, double objective, TimeSpan elapsed, TimeSpan? remaining)
    {
        if (_display is null) return;
        if (step != steps && _sinceUpdate.ElapsedMilliseconds < 250) return;
        _sinceUpdate.Restart();
        _display.Update(new ProgressHtml(Html(step, steps, objective, elapsed, remaining)));
    }

    string Html(int step, int steps, double objective, TimeSpan elapsed, TimeSpan? remaining = null)
    {
        var obj = double.IsNaN(objective) ? "" : " · objective " + objective.ToString("G4", CultureInfo.InvariantCulture);
        if (remaining is { } left) obj += $" · about {left.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s left";
        return $"<div style=\"font-family:sans-serif;font-size:13px\">{WebUtility.HtmlEncode(_title)} <progress value=\"{step}\" max=\"{steps}\" " +
            "style=\"width:240px\"></progress> " +
               $"{step}/{steps}{obj} · {elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s</div>";
    }

    /// <summary>HTML that the formatter writes as is.</summary>
    internal sealed record ProgressHtml(string Html);
}
