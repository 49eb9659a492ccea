using System.Globalization;
using System.Text;

namespace Aot.Embeddings.Tokenization;

/// <summary>
/// Character classes of BERT's normaliser and pre-tokenizer, as Hugging Face <c>tokenizers</c> (the library TEI
/// uses) defines them in <c>normalizers/bert.rs</c> and <c>pre_tokenizers/bert.rs</c>.
/// </summary>
internal static class BertCharacters
{
    /// <summary>Removed by <c>clean_text</c>: NUL, U+FFFD, and every "other" character (Cc, Cf, Cs, Co, Cn) except tab, LF and CR.</summary>
    public static bool IsRemovedByCleaning(Rune rune)
    {
        int value = rune.Value;
        if (value is 0 or 0xFFFD)
            return true;
        if (value is '\t' or '\n' or '\r')
            return false;
        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;
    }

    /// <summary>Whitespace: tab, LF, CR and the Unicode <c>White_Space</c> property.</summary>
    public static bool IsWhitespace(Rune rune) => rune.Value is '\t' or '\n' or '\r' || Rune.IsWhiteSpace(rune);

    /// <summary>Punctuation: every ASCII non-alphanumeric symbol (so <c>$ + &lt; = &gt; ^ ` | ~</c> too) and Unicode P* categories.</summary>
    public static bool IsPunctuation(Rune rune)
    {
        int value = rune.Value;
        if (value < 0x80)
            return value is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126);
        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>The CJK ideograph blocks that <c>handle_chinese_chars</c> isolates (not Hiragana, Katakana or Hangul).</summary>
    public static bool IsCjkIdeograph(int value) =>
        value is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B920 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
