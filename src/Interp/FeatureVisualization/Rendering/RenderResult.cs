using Interp.Images;
using static TorchSharp.torch;

namespace Interp.FeatureVisualization.Rendering;

/// <summary>The images of a render, by step, with the objective's history and provenance. Owns its tensors.</summary>
public sealed class RenderResult(IReadOnlyDictionary<int, Tensor> snapshots, IReadOnlyList<double> history, RenderProvenance provenance) : IDisposable
{
    /// <summary>Image batches [N, 3, H, W] in [0, 1] by step number.</summary>
    public IReadOnlyDictionary<int, Tensor> Snapshots { get; } = snapshots;
    /// <summary>The objective's total value at every step.</summary>
    public IReadOnlyList<double> History { get; } = history;
    /// <summary>How the images were made.</summary>
    public RenderProvenance Provenance { get; } = provenance;
    /// <summary>The final image batch.</summary>
    public Tensor Images => Snapshots[Snapshots.Keys.Max()];

    /// <summary>Saves image <paramref name="index"/> of the final batch as PNG, and its provenance as <c>&lt;path&gt;.json</c>.</summary>
    public void Save(string path, int index = 0)
    {
        if (index < 0 || index >= Images.shape[0])
            throw new ArgumentOutOfRangeException(nameof(index), $"The batch has images 0..{Images.shape[0] - 1}.");
        ImageIO.Save(Images[index], path);
        File.WriteAllText(path + ".json", Provenance.ToJson());
    }

    /// <summary>A grid of the final images (or of image 0 at every snapshot when <paramref name="overSteps"/>).</summary>
    public ImageGrid Grid(bool overSteps = false, string? title = null, int cellPixels = 160)
    {
        if (overSteps)
        {
            var steps = Snapshots.Keys.Order().ToList();
            return ImageGrid.Of(steps.Select(s => Snapshots[s][0].clone()).ToList(), steps.Select(s => $"step {s}").ToList(), steps.Count, title ?? Provenance.Objective,
                cellPixels);
        }
        var n = (int)Images.shape[0];
        return ImageGrid.Of(Enumerable.Range(0, n).Select(i => Images[i].clone()).ToList(), Enumerable.Range(0, n).Select(i => $"{Provenance.Objective} [{i}]").ToList(),
            Math.Min(n, 6), title ?? Provenance.Objective, cellPixels);
    }

    /// <summary>Frees the images.</summary>
    public void Dispose()
    {
        foreach (var t in Snapshots.Values) t.Dispose();
    }
}
