using System.Globalization;
using Interp.Statistics;
using XPlot.Plotly;

namespace Interp.Plots;

/// <summary>
/// A chart for notebooks and pages, drawn by plotly.js. Built on XPlot.Plotly 4.1.0 rather than
/// Plotly.NET: Plotly.NET 6.0.0 needs FSharp.Core 10.1.403 and fails to load inside the stock
/// .NET Interactive kernel (1.0.712001, which hosts FSharp.Core 10.0.x), while XPlot.Plotly 4.1.0 loads
/// in both that kernel and the project's runner. <see cref="Plotly"/> gives the XPlot chart for
/// further styling; <see cref="Data"/> gives the numbers.
/// </summary>
public sealed class Chart
{
    static int _counter;

    Chart(PlotlyChart plotly, string title, IReadOnlyList<string> labels, IReadOnlyList<double> values)
    {
        Plotly = plotly;
        Title = title;
        Labels = labels;
        Data = values;
        Id = "interp-chart-" + Interlocked.Increment(ref _counter).ToString(CultureInfo.InvariantCulture);
        Plotly.WithId(Id);
    }

    /// <summary>The XPlot chart (layout, traces) for further customization.</summary>
    public PlotlyChart Plotly { get; }
    /// <summary>The chart's title.</summary>
    public string Title { get; }
    /// <summary>The element id used in HTML (deterministic within a process).</summary>
    public string Id { get; }
    /// <summary>The category labels (bar charts) or empty.</summary>
    public IReadOnlyList<string> Labels { get; }
    /// <summary>The plotted values.</summary>
    public IReadOnlyList<double> Data { get; }

    /// <summary>A histogram of <paramref name="values"/>.</summary>
    public static Chart Histogram(IEnumerable<double> values, string title, string xTitle = "value", string yTitle = "count", int bins = 60)
    {
        var v = values.ToList();
        if (v.Count == 0) throw new ArgumentException("A histogram needs at least one value.", nameof(values));
        var chart = XPlot.Plotly.Chart.Plot(new Histogram { x = v, nbinsx = bins });
        Style(chart, title, xTitle, yTitle);
        return new Chart(chart, title, [], v);
    }

    /// <summary>A bar chart with one bar per label.</summary>
    public static Chart Bar(IReadOnlyList<string> labels, IReadOnlyList<double> values, string title, string xTitle = "", string yTitle = "")
    {
        if (labels.Count != values.Count)
            throw new ArgumentException($"Got {labels.Count} labels but {values.Count} values; give one value per label.");
        var chart = XPlot.Plotly.Chart.Plot(new Bar { x = labels, y = values });
        Style(chart, title, xTitle, yTitle);
        return new Chart(chart, title, labels, values);
    }

    /// <summary>A line chart of y against x.</summary>
    public static Chart Line(IReadOnlyList<double> x, IReadOnlyList<double> y, string title, string xTitle = "", string yTitle = "")
    {
        if (x.Count != y.Count) throw new ArgumentException($"Got {x.Count} x values but {y.Count} y values.");
        var chart = XPlot.Plotly.Chart.Plot(new Scatter { x = x, y = y, mode = "lines+markers" });
        Style(chart, title, xTitle, yTitle);
        return new Chart(chart, title, [], y);
    }

    /// <summary>
    /// Several named lines on one chart, optionally on logarithmic axes (a log–log plot shows a power law as
    /// a straight line). <see cref="Data"/> holds every series' y values, one series after another.
    /// </summary>
    public static Chart Lines(IReadOnlyList<(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)> series, string title,
        string xTitle = "", string yTitle = "", bool logX = false, bool logY = false)
    {
        if (series.Count == 0) throw new ArgumentException("Give at least one series.", nameof(series));
        foreach (var (name, x, y) in series)
            if (x.Count != y.Count) throw new ArgumentException($"Series '{name}' has {x.Count} x values but {y.Count} y values.");
        var chart = XPlot.Plotly.Chart.Plot(series.Select(s => new Scatter { x = s.X, y = s.Y, mode = "lines+markers", name = s.Name }));
        chart.WithLayout(new Layout.Layout
        {
            title = title,
            xaxis = new Xaxis { title = xTitle, type = logX ? "log" : "linear" },
            yaxis = new Yaxis { title = yTitle, type = logY ? "log" : "linear" },
        });
        chart.WithSize(720, 400);
        return new Chart(chart, title, series.Select(s => s.Name).ToList(), series.SelectMany(s => s.Y).ToList());
    }

    /// <summary>
    /// Several named lines whose points carry intervals (e.g. bootstrap intervals of an accuracy), drawn as error bars.
    /// <see cref="Data"/> holds every series' values, one series after another.
    /// </summary>
    public static Chart Lines(IReadOnlyList<(string Name, IReadOnlyList<double> X, IReadOnlyList<Estimate> Y)> series, string title,
        string xTitle = "", string yTitle = "", bool logX = false)
    {
        if (series.Count == 0) throw new ArgumentException("Give at least one series.", nameof(series));
        foreach (var (name, x, y) in series)
            if (x.Count != y.Count) throw new ArgumentException($"Series '{name}' has {x.Count} x values but {y.Count} y values.");
        var chart = XPlot.Plotly.Chart.Plot(series.Select(s => new Scatter
        {
            x = s.X, y = s.Y.Select(e => e.Value).ToList(), mode = "lines+markers", name = s.Name,
            error_y = new Error_y
            {
                type = "data", symmetric = false, array = s.Y.Select(e => double.IsNaN(e.High) ? 0 : e.High - e.Value).ToList(),
                arrayminus = s.Y.Select(e => double.IsNaN(e.Low) ? 0 : e.Value - e.Low).ToList(), thickness = 1,
            },
        }));
        chart.WithLayout(new Layout.Layout
        {
            title = title,
            xaxis = new Xaxis { title = xTitle, type = logX ? "log" : "linear" },
            yaxis = new Yaxis { title = yTitle },
        });
        chart.WithSize(720, 400);
        return new Chart(chart, title, series.Select(s => s.Name).ToList(), series.SelectMany(s => s.Y.Select(e => e.Value)).ToList());
    }

    /// <summary>
    /// A heatmap of <paramref name="values"/> [rows, columns] (e.g. a unit's response over orientation × curvature);
    /// NaN cells are left blank. <see cref="Data"/> holds the values row by row.
    /// </summary>
    public static Chart Heatmap(IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels, double[,] values, string title, string xTitle = "", string yTitle = "")
    {
        if (values.GetLength(0) != rowLabels.Count || values.GetLength(1) != columnLabels.Count)
            throw new ArgumentException($"The values are {values.GetLength(0)}×{values.GetLength(1)} but there are {rowLabels.Count} row labels and {columnLabels.Count} column " +
                "labels.");
        var z = Enumerable.Range(0, rowLabels.Count)
            .Select(r => Enumerable.Range(0, columnLabels.Count).Select(c => double.IsNaN(values[r, c]) ? (double?)null : values[r, c]).ToArray()).ToArray();
        var chart = XPlot.Plotly.Chart.Plot(new Heatmap { z = z, x = columnLabels, y = rowLabels, colorscale = "Viridis" });
        Style(chart, title, xTitle, yTitle);
        var flat = new List<double>(values.Length);
        foreach (var v in values) flat.Add(v);
        return new Chart(chart, title, [.. rowLabels, .. columnLabels], flat);
    }

    /// <summary>
    /// A polar plot: each series' response r at angle θ (degrees, counter-clockwise, 0° pointing right, as the stimuli's
    /// orientations), drawn as a closed curve around the origin, with guide circles and 45° spokes. Negative responses
    /// are drawn at radius 0 (a tuning curve's rectified response); <see cref="Data"/> keeps the values as given.
    /// Drawn on Cartesian axes of equal scale, because XPlot.Plotly 4.1.0 has no polar trace that plotly.js 2 still draws.
    /// With <paramref name="pairs"/>, series 2k and 2k + 1 share a colour and the second is dashed (e.g. a real unit and its
    /// replacement).
    /// </summary>
    public static Chart Polar(IReadOnlyList<(string Name, IReadOnlyList<double> Degrees, IReadOnlyList<double> R)> series, string title, bool pairs = false)
    {
        if (pairs && series.Count % 2 != 0) throw new ArgumentException($"Paired series come two by two; got {series.Count}.", nameof(series));
        if (series.Count == 0) throw new ArgumentException("Give at least one series.", nameof(series));
        foreach (var (name, t, r) in series)
        {
            if (t.Count != r.Count) throw new ArgumentException($"Series '{name}' has {t.Count} angles but {r.Count} values.");
            if (t.Count == 0) throw new ArgumentException($"Series '{name}' is empty.");
            if (r.Any(v => !double.IsFinite(v))) throw new ArgumentException($"Series '{name}' holds a value that is not finite.");
        }
        double max = Math.Max(series.Max(s => s.R.Max()), 1e-12);
        double extent = max * 1.18;
        var traces = new List<Trace>();
        var circle = Enumerable.Range(0, 73).Select(i => i * 5 * Math.PI / 180).ToList();
        foreach (var frac in new[] { 0.5, 1.0 })
            traces.Add(new Scatter { x = circle.Select(v => frac * max * Math.Cos(v)), y = circle.Select(v => frac * max * Math.Sin(v)), mode = "lines",
                line = new Line { color = "#cccccc", width = 1 }, hoverinfo = "skip", showlegend = false });
        for (int d = 0; d < 360; d += 45)
        {
            double rad = d * Math.PI / 180;
            traces.Add(new Scatter { x = new[] { 0, max * Math.Cos(rad), 1.1 * max * Math.Cos(rad) }, y = new[] { 0, max * Math.Sin(rad), 1.1 * max * Math.Sin(rad) },
                mode = "lines+text", text = new[] { "", "", $"{d}°" }, line = new Line { color = "#dddddd", width = 1 }, hoverinfo = "skip", showlegend = false });
        }
        for (int i = 0; i < series.Count; i++)
        {
            var (name, t, r) = series[i];
            var points = PolarPoints(t, r);
            var trace = new Scatter
            {
                x = points.Select(p => p.X), y = points.Select(p => p.Y), mode = "lines+markers", name = name,
                text = points.Select(p => $"{t[p.Index]:0.#}°: {r[p.Index]:0.###}"), hoverinfo = "text+name",
            };
            if (pairs) trace.line = new Line { color = Palette[i / 2 % Palette.Length], dash = i % 2 == 1 ? "dash" : "solid" };
            traces.Add(trace);
        }
        var chart = XPlot.Plotly.Chart.Plot(traces);
        chart.WithLayout(new Layout.Layout
        {
            title = title,
            xaxis = new Xaxis { range = new[] { -extent, extent }, zeroline = false, showgrid = false, showticklabels = false },
            yaxis = new Yaxis { range = new[] { -extent, extent }, zeroline = false, showgrid = false, showticklabels = false },
            margin = new Margin { l = 30, r = 30, t = 60, b = 70 },
            legend = new Legend { orientation = "h" },
        });
        chart.WithSize(500, 570);   // a 440 × 440 plot area: equal scales, so circles stay round
        return new Chart(chart, title, series.Select(s => s.Name).ToList(), series.SelectMany(s => s.R).ToList());
    }

    /// <summary>plotly.js's default colour cycle.</summary>
    static readonly string[] Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    /// <summary>The closed curve a polar series draws: points in order of angle (0–360°), the first repeated at the end.</summary>
    internal static List<(int Index, double X, double Y)> PolarPoints(IReadOnlyList<double> degrees, IReadOnlyList<double> r)
    {
        var order = Enumerable.Range(0, degrees.Count).OrderBy(i => ((degrees[i] % 360) + 360) % 360).ToList();
        order.Add(order[0]);
        return [.. order.Select(i => (i, Math.Max(0, r[i]) * Math.Cos(degrees[i] * Math.PI / 180), Math.Max(0, r[i]) * Math.Sin(degrees[i] * Math.PI / 180)))];
    }

    static void Style(PlotlyChart chart, string title, string xTitle, string yTitle)
    {
        chart.WithTitle(title);
        if (xTitle.Length > 0) chart.WithXTitle(xTitle);
        if (yTitle.Length > 0) chart.WithYTitle(yTitle);
        chart.WithSize(720, 400);
    }

    /// <summary>
    /// HTML that draws the chart. It uses a global <c>Plotly</c> when the page has one (the runner's pages
    /// embed plotly.js, so they need no network); otherwise it loads plotly.js from
    /// <c>window.interpPlotlySrc</c> or the public CDN, as a Jupyter front end would.
    /// </summary>
    public string ToHtml()
    {
        var js = Plotly.GetPlottingJS();
        return $$"""
            <div id="{{Id}}" style="width: {{Plotly.Width}}px; height: {{Plotly.Height}}px;"></div>
            <script>
            (function () {
              var draw = function () { {{js}} };
              if (typeof Plotly !== 'undefined') { draw(); return; }
              var s = document.createElement('script');
              s.src = window.interpPlotlySrc || 'https://cdn.plot.ly/plotly-2.35.3.min.js';
              s.onload = draw;
              document.head.appendChild(s);
            })();
            </script>
            """;
    }
}
