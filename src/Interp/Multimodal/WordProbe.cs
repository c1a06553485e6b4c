using Interp.Hooks;
using static TorchSharp.torch;

namespace Interp.Multimodal;

/// <summary>A word and a unit's response to it (the mean over the renderings of the word).</summary>
public sealed record WordResponse(string Word, double Response);

/// <summary>
/// Which written words excite a unit most (open problem 7.13): every word is written in black on a mid-grey picture of the
/// model's input size, at several sizes and heights, and the unit's channel (mean over positions) is averaged over those
/// renderings.
/// </summary>
public static class WordProbe
{
    /// <summary>The text sizes as fractions of the input side (e.g. 0.2 of 64 px is about 13 px).</summary>
    public static IReadOnlyList<double> Sizes { get; } = [0.18, 0.22, 0.26];

    /// <summary>The baseline heights as fractions of the input side.</summary>
    public static IReadOnlyList<double> Heights { get; } = [0.35, 0.6, 0.85];

    /// <summary>The pictures of one word [renderings, 3, S, S]: every size at every height, centred horizontally.</summary>
    public static Tensor Render(string word, int size)
    {
        using var scope = NewDisposeScope();
        var grey = full([1, 3, size, size], 0.5f);
        var images = (from s in Sizes from h in Heights select TextOverlay.Paste(grey, word, size / 2f, (float)(h * size), (float)(s * size), 0f)).ToList();
        return cat(images, 0).MoveToOuterDisposeScope();
    }

    /// <summary>Every word of <paramref name="words"/> with channel <paramref name="channel"/> of <paramref name="layer"/>'s response, strongest first.</summary>
    public static IReadOnlyList<WordResponse> Rank(HookedModel model, string layer, int channel, IEnumerable<string> words)
    {
        model.RequireLayer(layer);
        var list = words.Distinct().ToList();
        if (list.Count == 0) throw new ArgumentException("Give at least one word.", nameof(words));
        long channels = model.Layer(layer).Shape[1];
        if (channel < 0 || channel >= channels) throw new ArgumentOutOfRangeException(nameof(channel), channel, $"'{layer}' has channels 0..{channels - 1}.");
        using var _ = no_grad();
        var result = new List<WordResponse>(list.Count);
        foreach (var word in list)
        {
            using var scope = NewDisposeScope();
            using var cache = model.RunWithCache(Render(word, model.Input.Size).to(model.Dtype), [layer], stopEarly: true);
            var act = cache[layer][.., channel].to(float64);
            result.Add(new WordResponse(word, act.mean().item<double>()));
        }
        return [.. result.OrderByDescending(r => r.Response)];
    }
}
