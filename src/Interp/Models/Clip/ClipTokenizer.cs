using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Interp.Images;

namespace Interp.Models.Clip;

/// <summary>
/// OpenAI CLIP's byte-level BPE tokenizer (<c>clip/simple_tokenizer.py</c> and <c>clip.tokenize</c>): text is
/// cleaned (<see cref="TextCleanup"/>), lower-cased, split into words, numbers one digit at a time and runs of
/// other symbols; each piece's UTF-8 bytes become printable characters and are merged by the 48,894 ranked merges
/// of <c>bpe_simple_vocab_16e6.txt.gz</c>, the last symbol of a word marked <c>&lt;/w&gt;</c>. Ids: 0–255 bytes,
/// 256–511 bytes ending a word, then one per merge, <see cref="StartOfText"/> 49406, <see cref="EndOfText"/> 49407.
/// <para>.NET's regular expressions see UTF-16 code units, so a letter or digit outside the Basic Multilingual Plane
/// (e.g. 𝐀, U+1D400) is split as a symbol where Python's <c>regex</c> sees a letter; emoji and every other case of
/// the shared fixture agree exactly.</para>
/// </summary>
public sealed partial class ClipTokenizer
{
    /// <summary>The SHA-256 of OpenAI's <c>bpe_simple_vocab_16e6.txt.gz</c>.</summary>
    public const string VocabularySha256 = "924691ac288e54409236115652ad4aa250f48203de50a9e4722a6ecd48d6804a";
    /// <summary>CLIP's context length: start token, up to 75 ids, end token.</summary>
    public const int ContextLength = 77;
    /// <summary>The start-of-text id.</summary>
    public const int StartOfText = 49406;
    /// <summary>The end-of-text id (also what a literal "&lt;|endoftext|&gt;" in the text encodes to).</summary>
    public const int EndOfText = 49407;

    const int MergeCount = 49152 - 256 - 2;

    readonly Dictionary<string, int> _encoder;
    readonly string[] _decoder;
    readonly Dictionary<(string, string), int> _ranks;
    readonly Dictionary<string, string[]> _cache = new(StringComparer.Ordinal);
    readonly char[] _byteToChar;
    readonly Dictionary<char, byte> _charToByte;

    ClipTokenizer(IReadOnlyList<(string First, string Second)> merges)
    {
        _byteToChar = BytesToUnicode();
        _charToByte = Enumerable.Range(0, 256).ToDictionary(b => _byteToChar[b], b => (byte)b);
        // The byte symbols in the order OpenAI's dict holds them: printable bytes first, then the others.
        var symbols = Enumerable.Range(0, 256).OrderBy(b => _byteToChar[b] < 256 ? 0 : 1).ThenBy(b => b).Select(b => _byteToChar[b].ToString()).ToList();
        var vocab = new List<string>(49408);
        vocab.AddRange(symbols);
        vocab.AddRange(symbols.Select(c => c + "</w>"));
        vocab.AddRange(merges.Select(m => m.First + m.Second));
        vocab.Add("<|startoftext|>");
        vocab.Add("<|endoftext|>");
        _decoder = [.. vocab];
        _encoder = new Dictionary<string, int>(vocab.Count, StringComparer.Ordinal);
        for (int i = 0; i < vocab.Count; i++) _encoder[vocab[i]] = i;
        _ranks = new Dictionary<(string, string), int>(merges.Count);
        for (int i = 0; i < merges.Count; i++) _ranks[merges[i]] = i; // a repeated merge keeps its last rank, as Python's dict(zip(...))
        _cache["<|startoftext|>"] = ["<|startoftext|>"];
        _cache["<|endoftext|>"] = ["<|endoftext|>"];
    }

    /// <summary>Ids in the vocabulary (49,408).</summary>
    public int VocabularySize => _decoder.Length;

    /// <summary>The tokenizer with the vocabulary shipped in <c>data/clip</c> (MIT licence, OpenAI), checked against its SHA-256.</summary>
    public static ClipTokenizer Default() => _default.Value;
    static readonly Lazy<ClipTokenizer> _default = new(() => Load(Path.Combine(Runtime.InterpPaths.DataFolder(), "clip", "bpe_simple_vocab_16e6.txt.gz"), VocabularySha256));

    /// <summary>Reads a <c>bpe_simple_vocab_16e6.txt.gz</c>; with <paramref name="sha256"/>, refuses a file with another hash.</summary>
    public static ClipTokenizer Load(string path, string? sha256 = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"CLIP's BPE vocabulary is not at {path}. It ships in the repository as data/clip/bpe_simple_vocab_16e6.txt.gz.",
            path);
        var bytes = File.ReadAllBytes(path);
        if (sha256 is not null)
        {
            var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
            if (!string.Equals(actual, sha256, StringComparison.OrdinalIgnoreCase))
                throw new InvalidDataException($"{path} has SHA-256 {actual}, not CLIP's vocabulary ({sha256}); the file is damaged or another one.");
        }
        string text;
        try
        {
            using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
            using var reader = new StreamReader(gz, Encoding.UTF8);
            text = reader.ReadToEnd();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path} is not CLIP's vocabulary: it should be the gzip file bpe_simple_vocab_16e6.txt.gz (data/clip), and this file does not " +
                $"decompress ({e.Message}). It may be truncated or another file.", e);
        }
        var lines = text.Split('\n');
        if (lines.Length < MergeCount + 1)
            throw new InvalidDataException($"{path} has {lines.Length} lines; CLIP's vocabulary has a header and at least {MergeCount} merges.");
        var merges = new List<(string, string)>(MergeCount);
        for (int i = 1; i <= MergeCount; i++)
        {
            var parts = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2) throw new InvalidDataException($"{path} line {i + 1} is not a merge of two symbols: '{lines[i]}'.");
            merges.Add((parts[0], parts[1]));
        }
        return new ClipTokenizer(merges);
    }

    [GeneratedRegex(@"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Pieces();

    /// <summary>The text the BPE stage sees: cleaned (<see cref="TextCleanup.Clean"/>) and lower-cased.</summary>
    public static string Normalize(string text) => TextCleanup.Clean(text).ToLowerInvariant();

    /// <summary>The BPE pieces of <paramref name="text"/> (vocabulary strings, e.g. <c>photo&lt;/w&gt;</c>).</summary>
    public IReadOnlyList<string> Pieces(string text)
    {
        var result = new List<string>();
        foreach (Match m in Pieces().Matches(Normalize(text)))
        {
            var mapped = new string(Encoding.UTF8.GetBytes(m.Value).Select(b => _byteToChar[b]).ToArray());
            result.AddRange(Bpe(mapped));
        }
        return result;
    }

    /// <summary>The ids of <paramref name="text"/> without start and end tokens (OpenAI's <c>SimpleTokenizer.encode</c>).</summary>
    public IReadOnlyList<int> Encode(string text) => [.. Pieces(text).Select(p => _encoder[p])];

    /// <summary>
    /// <see cref="ContextLength"/> ids: start, the text's ids, end, zeros (OpenAI's <c>clip.tokenize</c>). A text of
    /// more than 75 ids is an error unless <paramref name="truncate"/>, which keeps the first 76 and ends with the end token.
    /// </summary>
    public int[] Tokenize(string text, bool truncate = false)
    {
        var ids = Encode(text);
        var row = new int[ContextLength];
        var all = new List<int>(ids.Count + 2) { StartOfText };
        all.AddRange(ids);
        all.Add(EndOfText);
        if (all.Count > ContextLength)
        {
            if (!truncate)
                throw new ArgumentException($"The text has {ids.Count} tokens; CLIP takes at most {ContextLength - 2} (context length {ContextLength} with start and end). " +
                    "Shorten it, or pass truncate: true to keep the first tokens.", nameof(text));
            all.RemoveRange(ContextLength, all.Count - ContextLength);
            all[ContextLength - 1] = EndOfText;
        }
        all.CopyTo(row);
        return row;
    }

    /// <summary>Text from ids (OpenAI's <c>decode</c>): bytes back to UTF-8 (invalid sequences become U+FFFD), each <c>&lt;/w&gt;</c> a space.</summary>
    public string Decode(IEnumerable<int> ids)
    {
        var symbols = new StringBuilder();
        foreach (var id in ids)
        {
            if (id < 0 || id >= _decoder.Length) throw new ArgumentOutOfRangeException(nameof(ids), id, $"Ids run from 0 to {_decoder.Length - 1}.");
            symbols.Append(_decoder[id]);
        }
        var bytes = new List<byte>();
        foreach (var c in symbols.ToString())
            if (_charToByte.TryGetValue(c, out var b)) bytes.Add(b);
            else throw new InvalidDataException($"'{c}' is not a byte symbol of CLIP's vocabulary.");
        return Encoding.UTF8.GetString([.. bytes]).Replace("</w>", " ");
    }

    string[] Bpe(string token)
    {
        if (_cache.TryGetValue(token, out var cached)) return cached;
        var word = new List<string>(token.Length);
        for (int i = 0; i < token.Length - 1; i++) word.Add(token[i].ToString());
        word.Add(token[^1] + "</w>");
        while (word.Count > 1)
        {
            // The pair of lowest rank anywhere in the word.
            (string, string)? best = null;
            int bestRank = int.MaxValue;
            for (int i = 0; i < word.Count - 1; i++)
                if (_ranks.TryGetValue((word[i], word[i + 1]), out var r) && r < bestRank) { bestRank = r; best = (word[i], word[i + 1]); }
            if (best is not { } pair) break;
            var merged = new List<string>(word.Count);
            for (int i = 0; i < word.Count;)
            {
                if (i < word.Count - 1 && word[i] == pair.Item1 && word[i + 1] == pair.Item2) { merged.Add(pair.Item1 + pair.Item2); i += 2; }
                else merged.Add(word[i++]);
            }
            word = merged;
        }
        var result = word.ToArray();
        _cache[token] = result;
        return result;
    }

    /// <summary>GPT-2's map from bytes to printable characters: printable Latin-1 bytes map to themselves, the rest to U+0100 onwards.</summary>
    static char[] BytesToUnicode()
    {
        var map = new char[256];
        var printable = Enumerable.Range('!', '~' - '!' + 1).Concat(Enumerable.Range('¡', '¬' - '¡' + 1)).Concat(Enumerable.Range('®', 'ÿ' - '®' + 1)).ToHashSet();
        int n = 0;
        for (int b = 0; b < 256; b++) map[b] = printable.Contains(b) ? (char)b : (char)(256 + n++);
        return map;
    }
}
