using System.Text.Json;
using Interp.Clip;
using Interp.Models.Clip;

namespace Interp.Tests.Clip;

/// <summary>The tokenizer against OpenAI's <c>SimpleTokenizer</c> and <c>clip.tokenize</c> (with the real ftfy) on the shared fixture.</summary>
[Trait("Needs", TestPaths.NeedsFixtures)]
public class ClipTokenizerTests(ITestOutputHelper output)
{
    static string FixturePath => TestPaths.Fixture("clip-tokenizer", "tokenization.json");

    public static TheoryData<int> Cases()
    {
        var data = new TheoryData<int>();
        // Without ../shared the theory still needs one row; it skips there with a message.
        int n = TestPaths.FixtureExists("clip-tokenizer", "tokenization.json")
            ? JsonDocument.Parse(File.ReadAllText(FixturePath)).RootElement.GetProperty("cases").GetArrayLength() : 1;
        for (int i = 0; i < n; i++) data.Add(i);
        return data;
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Matches_openais_tokenizer_exactly(int index)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(FixturePath));
        var c = doc.RootElement.GetProperty("cases")[index];
        var text = c.GetProperty("text").GetString()!;
        output.WriteLine($"{c.GetProperty("kind").GetString()}: {JsonSerializer.Serialize(text)}");
        var tokenizer = ClipTokenizer.Default();
        Assert.Equal(c.GetProperty("cleaned_text").GetString(), ClipTokenizer.Normalize(text));
        Assert.Equal(c.GetProperty("bpe_pieces").EnumerateArray().Select(p => p.GetString()!), tokenizer.Pieces(text));
        var ids = c.GetProperty("ids").EnumerateArray().Select(p => p.GetInt32()).ToList();
        Assert.Equal(ids, tokenizer.Encode(text));
        Assert.Equal(c.GetProperty("tokenize_77").EnumerateArray().Select(p => p.GetInt32()), tokenizer.Tokenize(text, truncate: true));
        if (c.GetProperty("tokenize_without_truncate_raises").GetBoolean())
            Assert.Contains("at most 75", Assert.Throws<ArgumentException>(() => tokenizer.Tokenize(text)).Message);
        else
            Assert.Equal(tokenizer.Tokenize(text, truncate: true), tokenizer.Tokenize(text));
        Assert.Equal(c.GetProperty("decode").GetString(), tokenizer.Decode(ids));
    }

    [Fact]
    public void The_shipped_vocabulary_has_clips_layout()
    {
        var tokenizer = ClipTokenizer.Default();
        Assert.Equal(49408, tokenizer.VocabularySize);
        Assert.Equal("<|startoftext|>", tokenizer.Decode([ClipTokenizer.StartOfText]));
        Assert.Equal([ClipTokenizer.EndOfText], tokenizer.Encode("<|endoftext|>"));
        Assert.Equal("a ", tokenizer.Decode([256 + 'a' - '!'])); // 'a' ending a word: 256 + its byte symbol's index
        Assert.Equal([320], tokenizer.Encode("a"));
    }

    [Fact]
    public void A_damaged_or_missing_vocabulary_is_refused_with_the_reason()
    {
        var dir = TestPaths.Temp("clip-vocab");
        var bad = Path.Combine(dir, "bpe_simple_vocab_16e6.txt.gz");
        File.WriteAllBytes(bad, [1, 2, 3]);
        Assert.Contains("not CLIP's vocabulary", Assert.Throws<InvalidDataException>(() => ClipTokenizer.Load(bad, ClipTokenizer.VocabularySha256)).Message);
        Assert.Contains("data/clip", Assert.Throws<FileNotFoundException>(() => ClipTokenizer.Load(Path.Combine(dir, "none.gz"))).Message);
    }

    [Fact]
    public void The_clean_up_steps_do_what_ftfy_does()
    {
        Assert.Equal("café \"quote\"", TextCleanup.FixText("cafÃ© â€œquoteâ€\u009d"));
        Assert.Equal("Crème Brûlée, Straße", TextCleanup.FixMojibake("Crème Brûlée, Straße")); // real Latin-1 text is left alone
        Assert.Equal("finance", TextCleanup.FixLatinLigatures("ﬁnance"));
        Assert.Equal("ABC123", TextCleanup.FixCharacterWidth("ＡＢＣ１２３"));
        Assert.Equal("bellchar", TextCleanup.RemoveControlCharacters("bell\u0007char"));
        Assert.Equal("a b c", TextCleanup.Clean("  a\t\tb\r\nc  "));
    }
}
