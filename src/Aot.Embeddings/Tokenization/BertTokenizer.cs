using System.Text;

namespace Aot.Embeddings.Tokenization;

/// <summary>
/// BERT's tokenizer — normaliser, pre-tokenizer, WordPiece and <c>[CLS] … [SEP]</c> — giving the ids Hugging Face
/// <c>tokenizers</c> (and so TEI and sentence-transformers) give, while allocating nothing: text is read as a span,
/// normalised one character at a time into stack memory, and ids are written into the caller's span.
/// </summary>
/// <remarks>
/// <para>Immutable after construction: one instance serves every thread.</para>
/// <para>Steps, in Hugging Face's order: drop control characters and map whitespace to spaces; isolate CJK
/// ideographs; decompose (NFD) and drop non-spacing marks; lower-case; split on whitespace and punctuation (ASCII
/// symbols included); split each word greedily into the longest vocabulary pieces, a word with an unmatched rest
/// becoming one <c>[UNK]</c>.</para>
/// <para>Why not Microsoft.ML.Tokenizers' <c>BertTokenizer</c>: it allocates per call (strings, lists), and version
/// 2.0.1 drops ASCII symbols such as <c>$ + = &lt; &gt; ^ ` | ~</c> and emoji and does not split on tab or newline,
/// where BERT keeps them as tokens or <c>[UNK]</c> (see docs/embeddings.md).</para>
/// </remarks>
public sealed partial class BertTokenizer
{
    private const int NormalizedRuneCapacity = 32; // longest canonical decomposition of one code point is 4 code points

    private readonly bool _cleanText;
    private readonly bool _splitCjk;
    private readonly bool _stripAccents;
    private readonly bool _lowerCase;
    private readonly int _maxCharactersPerWord;

    private BertTokenizer(WordPieceVocabulary vocabulary, BertTokenizerOptions options)
    {
        if (options.MaxCharactersPerWord is < 1 or > BertTokenizerOptions.MaxCharactersPerWordLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(options),
                $"MaxCharactersPerWord must be 1..{BertTokenizerOptions.MaxCharactersPerWordLimit}; it is {options.MaxCharactersPerWord}.");
        }

        Vocabulary = vocabulary;
        Options = options;
        ClassificationId = RequireId(vocabulary, options.ClassificationToken);
        SeparatorId = RequireId(vocabulary, options.SeparatorToken);
        UnknownId = RequireId(vocabulary, options.UnknownToken);
        PaddingId = vocabulary.GetId(options.PaddingToken) is int pad and >= 0 ? pad : 0;
        _cleanText = options.CleanText;
        _splitCjk = options.SplitCjkCharacters;
        _stripAccents = options.ShouldStripAccents;
        _lowerCase = options.LowerCase;
        _maxCharactersPerWord = options.MaxCharactersPerWord;
    }

    /// <summary>The vocabulary.</summary>
    public WordPieceVocabulary Vocabulary { get; }

    /// <summary>The options.</summary>
    public BertTokenizerOptions Options { get; }

    /// <summary>Id of <c>[CLS]</c>.</summary>
    public int ClassificationId { get; }

    /// <summary>Id of <c>[SEP]</c>.</summary>
    public int SeparatorId { get; }

    /// <summary>Id of <c>[UNK]</c>.</summary>
    public int UnknownId { get; }

    /// <summary>Id of <c>[PAD]</c> (0 when the vocabulary has none).</summary>
    public int PaddingId { get; }

    /// <summary>Creates a tokenizer from a vocabulary.</summary>
    public static BertTokenizer Create(WordPieceVocabulary vocabulary, BertTokenizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        return new BertTokenizer(vocabulary, options ?? BertTokenizerOptions.Uncased);
    }

    /// <summary>Creates a tokenizer from a <c>vocab.txt</c> file.</summary>
    public static BertTokenizer FromVocabularyFile(string path, BertTokenizerOptions? options = null)
    {
        options ??= BertTokenizerOptions.Uncased;
        return new BertTokenizer(WordPieceVocabulary.Load(path, options.ContinuingSubwordPrefix), options);
    }

    /// <summary>
    /// Writes <c>[CLS]</c>, the text's ids and <c>[SEP]</c> into <paramref name="ids"/>, whose length is the maximum
    /// number of tokens. Allocates nothing unless it throws.
    /// </summary>
    /// <param name="text">The text.</param>
    /// <param name="ids">Destination; at least 2 long. Entries after the returned length are left as they were.</param>
    /// <param name="truncate">Whether a text with more tokens than fit is cut (true) or refused (false).</param>
    /// <param name="direction">Which end is cut.</param>
    /// <exception cref="InputTooLongException"><paramref name="truncate"/> is false and the text does not fit.</exception>
    public EncodeResult Encode(ReadOnlySpan<char> text, Span<long> ids, bool truncate = true, TruncationDirection direction = TruncationDirection.Right)
    {
        if (ids.Length < 2)
            throw new ArgumentException($"The destination must hold at least [CLS] and [SEP] (2 tokens); it holds {ids.Length}.", nameof(ids));
        Span<long> content = ids[1..^1];
        int count;
        bool truncated;
        if (direction == TruncationDirection.Left)
        {
            var sink = new LeftTruncatingSink(content);
            Tokenize(text, ref sink);
            count = sink.Finish();
            truncated = sink.Total > content.Length;
        }
        else
        {
            var sink = new RightTruncatingSink(content);
            Tokenize(text, ref sink);
            count = sink.Count;
            truncated = sink.Overflowed;
        }

        if (truncated && !truncate)
            throw new InputTooLongException(CountTokens(text), ids.Length);
        ids[0] = ClassificationId;
        ids[count + 1] = SeparatorId;
        return new EncodeResult(count + 2, truncated);
    }

    /// <summary>
    /// Encodes one padded model row: ids (padded with <c>[PAD]</c>), attention mask (1 for tokens, 0 for padding)
    /// and token type ids (all 0: one segment). All three spans have the row's length.
    /// </summary>
    /// <inheritdoc cref="Encode" path="/exception"/>
    public EncodeResult EncodeRow(ReadOnlySpan<char> text, Span<long> ids, Span<long> attentionMask, Span<long> tokenTypeIds,
        bool truncate = true, TruncationDirection direction = TruncationDirection.Right)
    {
        if (attentionMask.Length != ids.Length || (!tokenTypeIds.IsEmpty && tokenTypeIds.Length != ids.Length))
            throw new ArgumentException("ids, attentionMask and tokenTypeIds must have the same length.", nameof(attentionMask));
        EncodeResult result = Encode(text, ids, truncate, direction);
        ids[result.Length..].Fill(PaddingId);
        attentionMask[..result.Length].Fill(1);
        attentionMask[result.Length..].Clear();
        tokenTypeIds.Clear();
        return result;
    }

    /// <summary>Number of tokens of the whole text, never truncated.</summary>
    public int CountTokens(ReadOnlySpan<char> text, bool addSpecialTokens = true)
    {
        var sink = new CountingSink();
        Tokenize(text, ref sink);
        return sink.Count + (addSpecialTokens ? 2 : 0);
    }

    /// <summary>The tokens of the whole text with their offsets in it (UTF-16 indices); allocates. Never truncated.</summary>
    public List<Token> Tokenize(ReadOnlySpan<char> text, bool addSpecialTokens = true)
    {
        var tokens = new List<Token>(text.Length / 3 + 2);
        if (addSpecialTokens)
            tokens.Add(new Token(ClassificationId, 0, 0, IsSpecial: true));
        var sink = new ListSink(tokens);
        Tokenize(text, ref sink);
        if (addSpecialTokens)
            tokens.Add(new Token(SeparatorId, 0, 0, IsSpecial: true));
        return tokens;
    }

    private void Tokenize<TSink>(ReadOnlySpan<char> text, scoped ref TSink sink) where TSink : ITokenSink, allows ref struct
    {
        // All scratch memory is one stack-allocated struct of inline arrays (about 6 KB): no heap, no pooling.
        var word = default(WordBuffer);
        Span<char> normalized = stackalloc char[NormalizedRuneCapacity];

        int index = 0;
        while (index < text.Length)
        {
            // A lone surrogate decodes as U+FFFD, which cleaning removes (Rust strings cannot hold one at all).
            Rune.DecodeFromUtf16(text[index..], out Rune rune, out int consumed);
            int start = index;
            int end = index + consumed;
            index = end;

            if (_cleanText && BertCharacters.IsRemovedByCleaning(rune))
                continue;
            if (BertCharacters.IsWhitespace(rune))
            {
                if (!FlushWord(ref word, ref sink))
                    return;
                continue;
            }

            bool isolate = _splitCjk && BertCharacters.IsCjkIdeograph(rune.Value);
            if (isolate && !FlushWord(ref word, ref sink))
                return;

            int length = Normalize(rune, normalized);
            // Punctuation and whitespace are decided on the normalised text, as the pre-tokenizer sees it.
            for (int k = 0; k < length;)
            {
                Rune.DecodeFromUtf16(normalized[k..length], out Rune piece, out int pieceLength);
                ReadOnlySpan<char> chars = normalized.Slice(k, pieceLength);
                k += pieceLength;
                if (BertCharacters.IsWhitespace(piece))
                {
                    if (!FlushWord(ref word, ref sink))
                        return;
                }
                else if (BertCharacters.IsPunctuation(piece))
                {
                    if (!FlushWord(ref word, ref sink))
                        return;
                    word.Append(chars, start, end);
                    if (!FlushWord(ref word, ref sink))
                        return;
                }
                else
                {
                    word.Append(chars, start, end);
                }
            }

            if (isolate && !FlushWord(ref word, ref sink))
                return;
        }

        FlushWord(ref word, ref sink);
    }

    /// <summary>Writes the normalised form of one code point: NFD without non-spacing marks, lower-cased.</summary>
    private int Normalize(Rune rune, Span<char> destination)
    {
        if (rune.IsAscii)
        {
            char c = (char)rune.Value;
            destination[0] = _lowerCase && char.IsAsciiLetterUpper(c) ? (char)(c | 0x20) : c;
            return 1;
        }

        if (!_stripAccents)
            return (_lowerCase ? Rune.ToLowerInvariant(rune) : rune).EncodeToUtf16(destination);

        if (rune.Value >= AccentStripper.DecomposableLimit)
            return (_lowerCase ? Rune.ToLowerInvariant(rune) : rune).EncodeToUtf16(destination);
        ReadOnlySpan<char> stripped = (_lowerCase ? AccentStripper.LowerCasing : AccentStripper.CasePreserving).Strip(rune.Value);
        stripped.CopyTo(destination);
        return stripped.Length;
    }

    /// <summary>Splits the buffered word into WordPiece tokens and hands them to the sink; empties the buffer.</summary>
    private bool FlushWord<TSink>(ref WordBuffer word, scoped ref TSink sink) where TSink : ITokenSink, allows ref struct
    {
        if (word.IsEmpty)
            return true;
        bool more = EncodeWord(ref word, ref sink);
        word.Clear();
        return more;
    }

    private bool EncodeWord<TSink>(ref WordBuffer word, scoped ref TSink sink) where TSink : ITokenSink, allows ref struct
    {
        if (word.Overflowed || word.ScalarCount > _maxCharactersPerWord)
            return sink.Add(UnknownId, word.SourceStart, word.SourceEnd);

        ReadOnlySpan<char> chars = word.Chars;
        Span<int> pieceIds = word.PieceIds;
        Span<int> pieceEnds = word.PieceEnds;
        int count = 0;
        int start = 0;
        while (start < chars.Length)
        {
            // Greedy longest match first, never longer than the longest vocabulary entry, never inside a surrogate pair.
            int end = Math.Min(chars.Length, start + (start == 0 ? Vocabulary.LongestWordStart : Vocabulary.LongestContinuation));
            if (end < chars.Length && char.IsLowSurrogate(chars[end]))
                end--;
            int id = -1;
            while (end > start)
            {
                ReadOnlySpan<char> piece = chars[start..end];
                id = start == 0 ? Vocabulary.GetWordStartId(piece) : Vocabulary.GetContinuationId(piece);
                if (id >= 0)
                    break;
                end--;
                if (end > start && char.IsLowSurrogate(chars[end]))
                    end--;
            }

            if (id < 0)
                return sink.Add(UnknownId, word.SourceStart, word.SourceEnd); // an unmatched rest makes the whole word unknown
            pieceIds[count] = id;
            pieceEnds[count] = end;
            count++;
            start = end;
        }

        int pieceStart = 0;
        for (int p = 0; p < count; p++)
        {
            if (!sink.Add(pieceIds[p], word.SourceStartOf(pieceStart), word.SourceEndOf(pieceEnds[p] - 1)))
                return false;
            pieceStart = pieceEnds[p];
        }

        return true;
    }

    private static int RequireId(WordPieceVocabulary vocabulary, string token) =>
        vocabulary.GetId(token) is int id and >= 0
            ? id
            : throw new ArgumentException($"The vocabulary has no '{token}' token.", nameof(vocabulary));
}
