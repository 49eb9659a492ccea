using System.Text;

namespace Aot.Embeddings.Tokenization;

/// <summary>
/// Token ids back to text, as Hugging Face <c>tokenizers</c>' WordPiece decoder with <c>cleanup</c> (the BERT
/// <c>tokenizer.json</c> setting): pieces joined by spaces, <c>##</c> continuations glued to the previous piece, and the
/// space before punctuation and English contractions removed. Accents and case lost by normalisation stay lost.
/// </summary>
public static class WordPieceDecoder
{
    private static readonly (string Dirty, string Clean)[] Cleanups =
    [
        (" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"), (" 'm", "'m"),
        (" do not", " don't"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"),
    ];

    /// <summary>Decodes <paramref name="ids"/>; with <paramref name="skipSpecialTokens"/> the tokenizer's special tokens are left out.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id outside the vocabulary.</exception>
    public static string Decode(BertTokenizer tokenizer, ReadOnlySpan<int> ids, bool skipSpecialTokens = true)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        WordPieceVocabulary vocabulary = tokenizer.Vocabulary;
        string prefix = tokenizer.Options.ContinuingSubwordPrefix;
        int mask = vocabulary.GetId("[MASK]");
        var text = new StringBuilder();
        bool first = true;
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)vocabulary.Count)
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id {id} is not in the vocabulary (0..{vocabulary.Count - 1}).");
            if (skipSpecialTokens && (id == tokenizer.ClassificationId || id == tokenizer.SeparatorId || id == tokenizer.PaddingId || id == tokenizer.UnknownId || id == mask))
                continue;
            string token = vocabulary.GetToken(id);
            // Hugging Face keeps a leading "##" on the first piece and cleans up each piece on its own; so does this.
            if (!first)
                token = token.StartsWith(prefix, StringComparison.Ordinal) ? token[prefix.Length..] : " " + token;
            first = false;
            foreach ((string dirty, string clean) in Cleanups)
                token = token.Replace(dirty, clean, StringComparison.Ordinal);
            text.Append(token);
        }

        return text.ToString();
    }
}
