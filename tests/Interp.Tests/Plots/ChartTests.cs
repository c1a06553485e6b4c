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
}
