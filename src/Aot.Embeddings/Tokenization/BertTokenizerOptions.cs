namespace Aot.Embeddings.Tokenization;

/// <summary>
/// How a BERT tokenizer normalises and splits text. The defaults are those of uncased BERT models such as
/// all-MiniLM-L6-v2 and arctic-embed-xs (their <c>tokenizer.json</c>: <c>BertNormalizer</c> with
/// <c>clean_text</c>, <c>handle_chinese_chars</c>, <c>lowercase</c>; WordPiece with 100 characters per word).
/// </summary>
public sealed record class BertTokenizerOptions
{
    /// <summary>The options of uncased BERT models.</summary>
    public static BertTokenizerOptions Uncased { get; } = new();

    /// <summary>Lower-case the text (<c>do_lower_case</c>).</summary>
    public bool LowerCase { get; init; } = true;

    /// <summary>Remove accents (decompose, drop non-spacing marks). Null follows <see cref="LowerCase"/>, as in Hugging Face.</summary>
    public bool? StripAccents { get; init; }

    /// <summary>Drop control characters, NUL and U+FFFD, and turn every whitespace character into a space.</summary>
    public bool CleanText { get; init; } = true;

    /// <summary>Make every CJK ideograph a word of its own (<c>tokenize_chinese_chars</c>).</summary>
    public bool SplitCjkCharacters { get; init; } = true;

    /// <summary>A word longer than this many characters (Unicode scalars) becomes one unknown token. At most 200.</summary>
    public int MaxCharactersPerWord { get; init; } = 100;

    /// <summary>The prefix of word pieces that continue a word.</summary>
    public string ContinuingSubwordPrefix { get; init; } = "##";

    /// <summary>The unknown token.</summary>
    public string UnknownToken { get; init; } = "[UNK]";

    /// <summary>The token that starts every sequence.</summary>
    public string ClassificationToken { get; init; } = "[CLS]";

    /// <summary>The token that ends every sequence.</summary>
    public string SeparatorToken { get; init; } = "[SEP]";

    /// <summary>The padding token.</summary>
    public string PaddingToken { get; init; } = "[PAD]";

    internal bool ShouldStripAccents => StripAccents ?? LowerCase;

    internal const int MaxCharactersPerWordLimit = 200;
}
