using Interp.Images;
using static TorchSharp.torch;

namespace Interp.Tests.Images;

public class GridTests
{
    [Fact]
    public void The_colormap_hits_its_anchors_and_interpolates_linearly_between_them()
    {
        var map = new Colormap("test", new float[,] { { 0, 0, 0 }, { 1, 0.5f, 0 }, { 1, 1, 1 } });
        using var values = tensor(new float[] { 0, 0.25f, 0.5f, 1 });
        using var rgb = map.Apply(values);
        Assert.Equal([3L, 4], rgb.shape);
        float[] expected = [0, 0.5f, 1, 1, /* g */ 0, 0.25f, 0.5f, 1, /* b */ 0, 0, 0, 1];
        var got = rgb.data<float>().ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], got[i], 6);
    }

    [Fact]
    public void Channel_grids_pick_the_strongest_channels_and_caption_them_as_units()
    {
        using var act = zeros(1, 4, 3, 3);
        act[0, 2] = full([3, 3], 5f);
        act[0, 0] = full([3, 3], 1f);
        using var grid = ActivationGrids.Channels(act, "layerX", count: 2);
        Assert.Equal(["layerX:2", "layerX:0"], grid.Cells.Select(c => c.Caption));
        Assert.Equal([3L, 3, 3], grid.Cells[0].Image.shape);
        Assert.Contains("layerX:2", grid.ToHtml());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ActivationGrids.Channels(act, "layerX", channels: [4]));
        Assert.Contains("0..3", e.Message);
    }

    [Fact]
    public void Tiling_lays_cells_out_in_rows_with_gutters()
    {
        using var grid = ImageGrid.Of([zeros(3, 4, 4), zeros(3, 4, 4), zeros(3, 4, 4)], ["a", "b", "c"], columns: 2);
        using var tiled = grid.Tile();
        Assert.Equal([3L, 10, 10], tiled.shape); // 2 rows, 2 columns of 4 px with a 2 px gutter
        Assert.Equal(1f, tiled[0, 4, 0].item<float>()); // gutter is white
        Assert.Equal(0f, tiled[0, 0, 0].item<float>());
        var e = Assert.Throws<ArgumentException>(() => ImageGrid.Of([zeros(3, 4, 4)], ["a", "b"]));
        Assert.Contains("one caption per image", e.Message);
    }
}
