using Interp.Statistics;
using Interp.Circuits;
using static TorchSharp.torch;

namespace Interp.Multimodal;

/// <summary>Where and how a typographic attack writes its word.</summary>
/// <param name="X">Column the text is centred on.</param>
/// <param name="Y">Row of the text's baseline.</param>
/// <param name="Size">Text height in pixels.</param>
/// <param name="Grey">Grey level of the text: 0 black, 1 white.</param>
public sealed record TextPlacement(float X, float Y, float Size, float Grey = 1f);

/// <summary>
/// The outcome of a typographic attack on a set of images: how often writing the word turned the prediction into the word's
/// class, how often writing a nonsense string of the same length at the same place did, and how many pixels each changed.
/// Rates count only images not already predicted as the target; intervals are bootstrap percentiles over images.
/// </summary>
public sealed record AttackReport(string Word, string Control, int Images, int Eligible, Estimate FlipRate, Estimate ControlFlipRate,
    double PixelsChanged, double ControlPixelsChanged);

/// <summary>
/// Typographic attacks ("Multimodal Neurons", Goh et al. 2021: the word "iPod" written on an apple), model-agnostic: the caller
/// gives the classifier as a function from images to predicted class indices (e.g. zero-shot prompts of a CLIP).
/// </summary>
public static class TypographicAttack
{
    /// <summary>Notebook 04's baseline attack on the 64 px toy images: black 13 px text centred near the bottom edge.</summary>
    public static TextPlacement ToyBaseline { get; } = new(32, 58, 13, 0f);

    /// <summary>
    /// Writes <paramref name="word"/> (the name of class <paramref name="target"/>) onto every image at <paramref name="placement"/>
    /// and, as the control, a nonsense string of the same length (seeded lowercase letters) at the same place.
    /// </summary>
    public static AttackReport Measure(Tensor images, Func<Tensor, long[]> classify, string word, int target, TextPlacement placement,
        int seed = 0, int resamples = 1000, double confidence = 0.95)
    {
        if (images.ndim != 4 || images.shape[0] < 1) throw new ArgumentException($"Give images [N, 3, H, W]; got [{string.Join(", ", images.shape)}].", nameof(images));
        ArgumentNullException.ThrowIfNull(classify);
        if (string.IsNullOrWhiteSpace(word)) throw new ArgumentException("Give the word to write (the target class's name); it is empty.", nameof(word));
        if (resamples < 1) throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "The bootstrap needs at least one resample (1000 is usual).");
        if (!(confidence is > 0 and < 1)) throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "The confidence level is in (0, 1), e.g. 0.95.");
        var random = new Random(seed);
        string control;
        do control = new string([.. word.Select(_ => (char)('a' + random.Next(26)))]);
        while (control == word);
        using var attacked = TextOverlay.Paste(images, word, placement.X, placement.Y, placement.Size, placement.Grey);
        using var controlled = TextOverlay.Paste(images, control, placement.X, placement.Y, placement.Size, placement.Grey);
        var before = classify(images);
        var after = classify(attacked);
        var afterControl = classify(controlled);
        int n = (int)images.shape[0];
        if (before.Length != n || after.Length != n || afterControl.Length != n)
            throw new InvalidOperationException($"The classifier must return one class per image ({n}); it returned {before.Length}, {after.Length} and {afterControl.Length}.");
        var eligible = Enumerable.Range(0, n).Where(i => before[i] != target).ToList();
        if (eligible.Count == 0) throw new InvalidOperationException($"Every image is already predicted as class {target}; attack images of other classes.");
        double[] flips = [.. eligible.Select(i => after[i] == target ? 1.0 : 0.0)];
        double[] controlFlips = [.. eligible.Select(i => afterControl[i] == target ? 1.0 : 0.0)];
        double Changed(Tensor edited)
        {
            using var scope = NewDisposeScope();
            return ((edited - images).abs().amax([1]) > 1.0 / 255).to(float64).mean().item<double>();
        }
        return new AttackReport(word, control, n, eligible.Count, Bootstrap.Mean(flips, resamples, seed, confidence), Bootstrap.Mean(controlFlips, resamples, seed + 1, confidence),
            Changed(attacked), Changed(controlled));
    }
}
