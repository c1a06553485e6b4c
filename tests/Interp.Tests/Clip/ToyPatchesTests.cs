using Interp.ToyWorld;
using static TorchSharp.torch;

namespace Interp.Tests.Clip;

public class ToyPatchesTests
{
    static ToyExample Circle(float x, float y, float radius, ToyKind kind = ToyKind.Drawing) =>
        ToyDataset.Example(new Random(3), ToyKind.Drawing, ToyConcepts.Shape("circle"), 2) with
        {
            Kind = kind, ShapeX = x, ShapeY = y, Radius = radius, Distractor = null,
        };

    [Fact]
    public void The_patches_whose_centres_lie_in_the_shapes_disc_are_marked_row_by_row()
    {
        // Centres of 8 px patches at 4, 12, 20, …: around (20, 28) with radius 9 those at distance ≤ 9 are (x, y) = (12, 28),
        // (20, 20), (20, 28), (20, 36), (28, 28) — columns 1–3 of rows 2–4, a plus sign.
        using var covers = ToyPatches.ShapeCovers([Circle(20, 28, 9), Circle(20, 28, 9, ToyKind.Word)], 8);
        Assert.Equal([2L, 64], covers.shape);
        var marked = Enumerable.Range(0, 64).Where(t => covers[0, t].item<bool>()).ToArray();
        Assert.Equal([18, 25, 26, 27, 34], marked);
        Assert.False(covers[1].any().item<bool>(), "a word picture has no shape");
    }

    [Fact]
    public void Marked_patch_centres_show_the_shapes_colour_in_the_drawn_picture()
    {
        var circle = Circle(30, 34, 16);
        using var picture = circle.Draw();
        using var covers = ToyPatches.ShapeCovers([circle], 4);
        var colour = ToyConcepts.Colours[circle.Colour];
        int marked = 0, inside = 0;
        for (int t = 0; t < 256; t++)
        {
            if (!covers[0, t].item<bool>()) continue;
            marked++;
            int x = (t % 16) * 4 + 2, y = (t / 16) * 4 + 2;                     // the pixel right of and below the patch centre
            if (Math.Sqrt(Math.Pow(x + 0.5 - circle.ShapeX, 2) + Math.Pow(y + 0.5 - circle.ShapeY, 2)) > circle.Radius - 1) continue;   // antialiased rim
            inside++;
            var pixel = picture[.., y, x];
            double distance = Math.Sqrt(Math.Pow(pixel[0].item<float>() - colour.R, 2) + Math.Pow(pixel[1].item<float>() - colour.G, 2)
                + Math.Pow(pixel[2].item<float>() - colour.B, 2));
            Assert.True(distance < 0.15, $"patch {t} ({x}, {y}) is {distance:F2} from the shape's colour");
        }
        Assert.InRange(inside, 30, marked);                                     // most marked patches are checked, not only the rim
        Assert.InRange(marked, 40, 60);                                          // π·16²/16 ≈ 50 patches of 16 px²
    }

    [Fact]
    public void A_patch_that_does_not_tile_the_picture_is_refused_with_the_sides_that_do()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ToyPatches.ShapeCovers([Circle(20, 20, 9)], 7));
        Assert.Contains("sides that do: 1, 2, 4, 8, 16, 32, 64", error.Message);
    }
}
