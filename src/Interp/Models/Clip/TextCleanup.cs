using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Interp.Models.Clip;

/// <summary>
/// CLIP's text clean-up before BPE (<c>basic_clean</c> and <c>whitespace_clean</c> in OpenAI's
/// <c>simple_tokenizer.py</c>): ftfy's <c>fix_text</c>, HTML unescaping twice, whitespace collapsed, trimmed.
/// </summary>
/// <remarks>
/// ftfy is a large Python library; this implements the part of its default <c>fix_text</c> that changes text
/// a captioning user writes, each step as ftfy does it: mojibake (UTF-8 read as Windows-1252, "cafÃ©" → "café"),
/// Latin ligatures (ﬁ → fi), full-width characters (Ａ１ → A1), curly quotes straightened, line breaks unified,
/// control characters removed, NFC. Where ftfy's heuristics would go further (other encodings, its "badness"
/// scoring for ambiguous mojibake) this does not, and HTML entities are the ones .NET knows (HTML 4 and numeric
/// references; Python's <c>html.unescape</c> also knows HTML 5's). The tests compare every case of the shared
/// fixture with OpenAI's tokenizer running the real ftfy.
/// </remarks>
public static partial class TextCleanup
{
    /// <summary>The full clean-up: ftfy subset, <c>html.unescape</c> twice, strip, whitespace runs to one space, strip.</summary>
    public static string Clean(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var t = FixText(text);
        t = WebUtility.HtmlDecode(WebUtility.HtmlDecode(t)).Trim();
        return Whitespace().Replace(t, " ").Trim();
    }

    /// <summary>The subset of ftfy's <c>fix_text</c> described on this class.</summary>
    public static string FixText(string text)
    {
        var t = FixMojibake(text);
        t = FixLatinLigatures(t);
        t = FixCharacterWidth(t);
        t = UncurlQuotes(t);
        t = t.Replace("\r\n", "\n").Replace('\r', '\n').Replace('\u2028', '\n').Replace('\u2029', '\n').Replace('\u0085', '\n');
        t = RemoveControlCharacters(t);
        return t.Normalize(NormalizationForm.FormC);
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    // Windows-1252's bytes 0x80–0x9F; the five it leaves undefined map to the C1 control of the same number
    // ("sloppy" Windows-1252, as ftfy decodes it).
    static readonly string Cp1252High = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ";

    static int SloppyCp1252Byte(char c) =>
        c < 0x80 ? c
        : Cp1252High.IndexOf(c) is var i and >= 0 ? 0x80 + i
        : c is >= '\u00A0' and <= '\u00FF' ? c
        : -1;

    /// <summary>
    /// Text that was UTF-8 but decoded as Windows-1252: each run of characters that Windows-1252 can encode and
    /// that holds non-ASCII characters is re-encoded to bytes; if those bytes are valid UTF-8 with at least one
    /// multi-byte sequence, the run is replaced by its decoding.
    /// </summary>
    public static string FixMojibake(string text)
    {
        var sb = new StringBuilder(text.Length);
        int i = 0;
        var strict = new UTF8Encoding(false, throwOnInvalidBytes: true);
        while (i < text.Length)
        {
            if (SloppyCp1252Byte(text[i]) < 0x80) { sb.Append(text[i++]); continue; }
            int start = i;
            while (i < text.Length && SloppyCp1252Byte(text[i]) >= 0x80) i++;
            var bytes = text[start..i].Select(c => (byte)SloppyCp1252Byte(c)).ToArray();
            string? decoded = null;
            try { decoded = strict.GetString(bytes); } catch (DecoderFallbackException) { }
            sb.Append(decoded is not null && decoded.Length < bytes.Length ? decoded : text[start..i]);
        }
        return sb.ToString();
    }

    /// <summary>ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ (U+FB00–U+FB06) become their letters, as ftfy's <c>fix_latin_ligatures</c>.</summary>
    public static string FixLatinLigatures(string text) => CompatibilityForms(text, '\uFB00', '\uFB06');

    /// <summary>Full-width and half-width forms (U+FF01–U+FFEF) become their ordinary characters (NFKC), as ftfy's <c>fix_character_width</c>.</summary>
    public static string FixCharacterWidth(string text) => CompatibilityForms(text, '\uFF01', '\uFFEF');

    /// <summary>Characters from <paramref name="first"/> to <paramref name="last"/> replaced by their compatibility form (NFKC); others kept.</summary>
    static string CompatibilityForms(string text, char first, char last)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
            sb.Append(c >= first && c <= last ? c.ToString().Normalize(NormalizationForm.FormKC) : c.ToString());
        return sb.ToString();
    }

    /// <summary>Curly single and double quotes become ' and ", as ftfy's <c>uncurl_quotes</c>.</summary>
    public static string UncurlQuotes(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
            sb.Append(c switch
            {
                '\u2018' or '\u2019' or '\u201A' or '\u201B' => '\'',
                '\u201C' or '\u201D' or '\u201E' or '\u201F' => '"',
                _ => c,
            });
        return sb.ToString();
    }

    /// <summary>
    /// Removes the control characters ftfy's <c>remove_control_chars</c> removes: C0 controls other than tab,
    /// line feed, form feed and carriage return; DEL; the byte-order mark; deprecated format characters
    /// U+206A–U+206F; interlinear annotation U+FFF9–U+FFFC.
    /// </summary>
    public static string RemoveControlCharacters(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            bool remove = (c < ' ' && c is not '\t' and not '\n' and not '\f' and not '\r') || c == '\u007F' || c == '\uFEFF'
                          || c is >= '\u206A' and <= '\u206F' || c is >= '\uFFF9' and <= '\uFFFC';
            if (!remove) sb.Append(c);
        }
        return sb.ToString();
    }
}
