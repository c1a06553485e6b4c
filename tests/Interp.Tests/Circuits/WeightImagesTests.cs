using Interp.Circuits;
using Interp.Units;
using static TorchSharp.torch;

namespace Interp.Tests.Circuits;

public class WeightImagesTests
{
    [Fact]
    public void Positive_weights_are_red_negative_blue_and_zero_white_on_one_scale()
    {
        using var kernel = tensor(new float[] { 2, 0, -2, 4 }, [2, 2]);
        using var image = WeightImages.Diverging(kernel, scale: 2);
        Assert.Equal([3L, 2, 2], image.shape);
        float[] At(int y, int x) => [.. Enumerable.Range(0, 3).Select(c => image[c, y, x].item<float>())];
        Assert.Equal([0.698f, 0.094f, 0.169f], At(0, 0));
        Assert.Equal([1f, 1f, 1f], At(0, 1));
        Assert.Equal([0.129f, 0.400f, 0.675f], At(1, 0));
        Assert.Equal(At(0, 0), At(1, 1));                    // beyond the scale: clipped
        Assert.Throws<ArgumentOutOfRangeException>(() => WeightImages.Diverging(kernel, 0));
    }

    [Fact]
    public void The_strongest_inputs_come_with_their_pictures_above_their_kernels()
    {
        using var model = TinyNets.Model(seed: 41);
        using var weight = ExpandedWeights.Between(model, "relu1", Unit.Parse("conv3:1@8,8"));
        var top = weight.Strongest(2);
        var pictures = new[] { zeros(3, 8, 8), ones(3, 8, 8) };
        using var grid = WeightImages.Strongest(weight, 2, pictures);
        Assert.Equal(4, grid.Cells.Count);
        Assert.Equal($"relu1:{top[0].Channel}", grid.Cells[0].Caption);
        Assert.True(grid.Cells[1].Image.SameAs(pictures[1]));
        Assert.Equal([3L, weight.Weights.shape[1], weight.Weights.shape[2]], grid.Cells[2].Image.shape);
        using var bare = WeightImages.Strongest(weight, 2);
        Assert.Equal(2, bare.Cells.Count);
        Assert.Contains("one picture per input", Assert.Throws<ArgumentException>(() => WeightImages.Strongest(weight, 2, [pictures[0]])).Message);
        foreach (var p in pictures) p.Dispose();
    }
}
