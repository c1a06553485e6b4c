using static TorchSharp.torch;

namespace Interp.Clip;

/// <summary>
/// The result of zero-shot classification: for each image, a probability and a logit per class name.
/// Plain data: <see cref="Rows"/> for tables, <see cref="Probabilities"/> for your own computations.
/// </summary>
public sealed record ZeroShotResult(IReadOnlyList<string> Classes, IReadOnlyList<string> Templates, float[,] Logits, float[,] Probabilities)
{
    /// <summary>Images classified.</summary>
    public int Images => Logits.GetLength(0);

    /// <summary>The <paramref name="k"/> most probable classes of image <paramref name="image"/>, best first.</summary>
    public IReadOnlyList<ZeroShotRow> Top(int image, int k = 5)
    {
        if (image < 0 || image >= Images) throw new ArgumentOutOfRangeException(nameof(image), image, $"Images are 0..{Images - 1}.");
        return [.. Enumerable.Range(0, Classes.Count).OrderByDescending(c => Probabilities[image, c]).Take(k)
            .Select((c, rank) => new ZeroShotRow(image, rank + 1, Classes[c], Math.Round(Probabilities[image, c], 4), Math.Round(Logits[image, c], 3)))];
    }

    /// <summary>Every image's classes, most probable first: one row per (image, class).</summary>
    public IReadOnlyList<ZeroShotRow> Rows => [.. Enumerable.Range(0, Images).SelectMany(i => Top(i, Classes.Count))];
}

/// <summary>One class of one image in a <see cref="ZeroShotResult"/>.</summary>
public sealed record ZeroShotRow(int Image, int Rank, string Class, double Probability, double Logit);
