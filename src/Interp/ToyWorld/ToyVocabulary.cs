using static TorchSharp.torch;

namespace Interp.ToyWorld;

/// <summary>
/// The toy CLIP's word-level tokenizer: every caption is a few words from a fixed vocabulary (the shapes, the colours and
/// the caption words), framed by start and end tokens and padded to <see cref="ContextLength"/>.
/// </summary>
public static class ToyVocabulary
{
    /// <summary>Padding, start of text, end of text: ids 0, 1, 2.</summary>
    public const int Pad = 0, Start = 1, End = 2;

    /// <summary>Tokens per caption, start and end included.</summary>
    public const int ContextLength = 8;

    /// <summary>Every word, by id (ids 0–2 are the special tokens).</summary>
    public static IReadOnlyList<string> Words { get; } =
    [
        "<pad>", "<start>", "<end>", "a", "an", "the", "of", "drawing", "word", "sign", "saying", "picture",
        .. ToyConcepts.Colours.Select(c => c.Name), .. ToyConcepts.Shapes,
    ];

    static readonly Dictionary<string, int> Ids = Words.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i);

    /// <summary>Ids of a caption [<see cref="ContextLength"/>]: start, the words, end, padding.</summary>
    public static long[] Encode(string caption)
    {
        var words = caption.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length + 2 > ContextLength)
            throw new ArgumentException($"'{caption}' has {words.Length} words; a caption holds at most {ContextLength - 2}.", nameof(caption));
        var ids = new long[ContextLength];
        ids[0] = Start;
        for (int i = 0; i < words.Length; i++)
            ids[i + 1] = Ids.TryGetValue(words[i], out var id) ? id
                : throw new ArgumentException($"'{words[i]}' is not in the toy vocabulary: {string.Join(", ", Words.Skip(3))}.", nameof(caption));
        ids[words.Length + 1] = End;
        return ids;
    }

    /// <summary>Id rows of several captions, [captions, <see cref="ContextLength"/>] (see <see cref="Encode"/>).</summary>
    public static Tensor EncodeAll(IReadOnlyList<string> captions) =>
        tensor(captions.SelectMany(Encode).ToArray(), [captions.Count, ContextLength]);

    /// <summary>The article before <paramref name="word"/> in a caption: "an" before a vowel, else "a".</summary>
    public static string Article(string word) => "aeiou".Contains(word[0]) ? "an" : "a";

    /// <summary>The caption an id row encodes (special tokens dropped).</summary>
    public static string Decode(IEnumerable<long> ids) => string.Join(" ", ids.Where(i => i > End).Select(i => Words[(int)i]));
}
