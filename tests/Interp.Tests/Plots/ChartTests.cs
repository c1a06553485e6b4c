using Interp.Plots;

namespace Interp.Tests.Plots;

public class ChartTests
{
    [Fact]
    public void A_heatmap_keeps_its_numbers_and_labels_and_draws_as_a_plotly_heatmap()
    {
        var values = new double[,] { { 1, 2, 3 }, { 4, double.NaN, 6 } };
        var chart = Chart.Heatmap(["0°", "90°"], ["0", "0.05", "0.1"], values, "unit 7", "curvature", "orientation");
        Assert.Equal([1, 2, 3, 4, double.NaN, 6], chart.Data);
        Assert.Equal(["0°", "90°", "0", "0.05", "0.1"], chart.Labels);
        var html = chart.ToHtml();
        Assert.Contains("\"type\":\"heatmap\"", html);
        Assert.Contains(chart.Id, html);
        Assert.Contains("null", html); // the NaN cell is blank
        Assert.Contains("3 row labels", Assert.Throws<ArgumentException>(() => Chart.Heatmap(["a", "b", "c"], ["x", "y", "z"], values, "t")).Message);
    }

    [Fact]
    public void Several_lines_on_log_axes()
    {
        var chart = Chart.Lines([("a", [1.0, 10, 100], [1.0, 0.1, 0.01]), ("b", [1.0, 10], [2.0, 2])], "spectrum", "f", "amplitude", logX: true, logY: true);
        Assert.Equal([1, 0.1, 0.01, 2, 2], chart.Data);
        var html = chart.ToHtml();
        Assert.Contains("\"type\":\"log\"", html);
        Assert.Contains("\"name\":\"b\"", html);
        Assert.Contains("'b' has 2 x values but 1 y values", Assert.Throws<ArgumentException>(() => Chart.Lines([("b", [1.0, 2], [1.0])], "t")).Message);
    }

    [Fact]
    public void A_polar_curve_goes_round_in_angle_order_closes_and_draws_negative_responses_at_the_centre()
    {
        var points = Chart.PolarPoints([270.0, 0, 90, -180], [3.0, 1, 2, -1]);
        Assert.Equal([1, 2, 3, 0, 1], points.Select(p => p.Index));             // 0°, 90°, −180° (= 180°), 270°, back to 0°
        double[] x = [1, 0, 0, 0, 1], y = [0, 2, 0, -3, 0];
        for (int i = 0; i < points.Count; i++)
        {
            Assert.Equal(x[i], points[i].X, 12);
            Assert.Equal(y[i], points[i].Y, 12);
        }
        var chart = Chart.Polar([("unit 3", [0.0, 90, 180, 270], [1.0, 2, -1, 3])], "tuning");
        Assert.Equal([1, 2, -1, 3], chart.Data);                               // the data keep the values as given
        Assert.Equal(["unit 3"], chart.Labels);
        Assert.Contains("\"name\":\"unit 3\"", chart.ToHtml());
        Assert.Contains("'u' has 2 angles but 1 values", Assert.Throws<ArgumentException>(() => Chart.Polar([("u", [0.0, 90], [1.0])], "t")).Message);
        Assert.Contains("not finite", Assert.Throws<ArgumentException>(() => Chart.Polar([("u", [0.0], [double.NaN])], "t")).Message);

        // Pairs: a real unit and its replacement share a colour, the replacement dashed.
        var paired = Chart.Polar([("a", [0.0, 90], [1.0, 2]), ("a'", [0.0, 90], [2.0, 1]), ("b", [0.0, 90], [1.0, 1]), ("b'", [0.0, 90], [1.0, 3])], "pairs", pairs: true).ToHtml();
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(paired, "\"color\":\"#1f77b4\"").Count);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(paired, "\"color\":\"#ff7f0e\"").Count);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(paired, "\"dash\":\"dash\"").Count);
        Assert.Contains("two by two", Assert.Throws<ArgumentException>(() => Chart.Polar([("a", [0.0], [1.0])], "t", pairs: true)).Message);
    }
}
