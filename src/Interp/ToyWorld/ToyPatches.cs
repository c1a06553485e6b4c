using static TorchSharp.torch;

namespace Interp.ToyWorld;

/// <summary>Where a toy picture's drawn shape lies on a grid of square patches (as a vision transformer cuts the picture).</summary>
public static class ToyPatches
{
    /// <summary>
    /// For each of <paramref name="examples"/>, the patches of side <paramref name="patch"/> px whose centre lies inside the drawn shape's
    /// disc (<see cref="ToyExample.Radius"/> around <see cref="ToyExample.ShapeX"/>, <see cref="ToyExample.ShapeY"/>): bool [N, patches],
    /// row-major over the grid of a <see cref="ToyDataset.ImageSize"/> px picture. Word pictures have no shape: all false.
    /// </summary>
    public static Tensor ShapeCovers(IReadOnlyList<ToyExample> examples, int patch)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (patch < 1 || ToyDataset.ImageSize % patch != 0)
            throw new ArgumentOutOfRangeException(nameof(patch), patch,
                $"A patch of {patch} px does not tile the {ToyDataset.ImageSize} px picture; sides that do: " +
                $"{string.Join(", ", Enumerable.Range(1, ToyDataset.ImageSize).Where(p => ToyDataset.ImageSize % p == 0))}.");
        int grid = ToyDataset.ImageSize / patch;
        var covers = new bool[examples.Count * grid * grid];
        for (int i = 0; i < examples.Count; i++)
        {
            var e = examples[i];
            if (e.Kind == ToyKind.Word) continue;
            for (int t = 0; t < grid * grid; t++)
            {
                double dx = (t % grid + 0.5) * patch - e.ShapeX, dy = (t / grid + 0.5) * patch - e.ShapeY;
                covers[i * grid * grid + t] = dx * dx + dy * dy <= e.Radius * e.Radius;
            }
        }
        return tensor(covers, [examples.Count, grid * grid]);
    }
}
