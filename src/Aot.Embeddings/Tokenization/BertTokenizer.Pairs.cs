namespace Aot.Embeddings.Tokenization;

/// <summary>Text pairs, as sequence classifiers and cross-encoders take them: <c>[CLS] a [SEP] b [SEP]</c>.</summary>
public sealed partial class BertTokenizer
{
    /// <summary>
    /// Encodes a text pair as one padded model row: <c>[CLS] first [SEP] second [SEP]</c>, token types 0 up to and
    /// including the first <c>[SEP]</c> and 1 after it, then <c>[PAD]</c> (mask 0). When the pair does not fit, tokens
    /// are dropped from the longer text first, one at a time (Hugging Face's <c>longest_first</c>), at the end
    /// <paramref name="direction"/> names. Allocates nothing unless it throws.
    /// </summary>
    /// <param name="first">The first segment (a query).</param>
    /// <param name="second">The second segment (a document).</param>
    /// <param name="ids">Destination ids; its length is the row's length and the maximum number of tokens (at least 3).</param>
    /// <param name="attentionMask">Destination mask, as long as <paramref name="ids"/>.</param>
    /// <param name="tokenTypeIds">Destination token types, as long as <paramref name="ids"/>, or empty when the model takes none.</param>
    /// <param name="truncate">Whether a pair with more tokens than fit is cut (true) or refused (false).</param>
    /// <param name="direction">Which end of each text is cut.</param>
    /// <exception cref="InputTooLongException"><paramref name="truncate"/> is false and the pair does not fit.</exception>
    public EncodeResult EncodePairRow(ReadOnlySpan<char> first, ReadOnlySpan<char> second, Span<long> ids, Span<long> attentionMask,
        Span<long> tokenTypeIds, bool truncate = true, TruncationDirection direction = TruncationDirection.Right)
    {
        if (ids.Length < 3)
            throw new ArgumentException($"The destination must hold at least [CLS] and two [SEP] (3 tokens); it holds {ids.Length}.", nameof(ids));
        if (attentionMask.Length != ids.Length || (!tokenTypeIds.IsEmpty && tokenTypeIds.Length != ids.Length))
            throw new ArgumentException("ids, attentionMask and tokenTypeIds must have the same length.", nameof(attentionMask));

        int firstCount = CountTokens(first, addSpecialTokens: false);
        int secondCount = CountTokens(second, addSpecialTokens: false);
        int budget = ids.Length - 3;
        bool truncated = firstCount + secondCount > budget;
        if (truncated && !truncate)
            throw new InputTooLongException(firstCount + secondCount + 3, ids.Length);
        while (firstCount + secondCount > budget)
        {
            // Ties cut the second text, as the tokenizers library does.
            if (firstCount > secondCount)
                firstCount--;
            else
                secondCount--;
        }

        ids[0] = ClassificationId;
        WriteSegment(first, ids.Slice(1, firstCount), direction);
        ids[firstCount + 1] = SeparatorId;
        int secondStart = firstCount + 2;
        WriteSegment(second, ids.Slice(secondStart, secondCount), direction);
        int length = secondStart + secondCount + 1;
        ids[length - 1] = SeparatorId;

        ids[length..].Fill(PaddingId);
        attentionMask[..length].Fill(1);
        attentionMask[length..].Clear();
        if (!tokenTypeIds.IsEmpty)
        {
            tokenTypeIds[..secondStart].Clear();
            tokenTypeIds[secondStart..length].Fill(1);
            tokenTypeIds[length..].Clear();
        }

        return new EncodeResult(length, truncated);
    }

    /// <summary>Writes exactly <paramref name="destination"/>'s length of the text's tokens, cut at <paramref name="direction"/>'s end.</summary>
    private void WriteSegment(ReadOnlySpan<char> text, Span<long> destination, TruncationDirection direction)
    {
        if (destination.IsEmpty)
            return; // the text was cut away entirely (the left sink cannot rotate an empty span)
        if (direction == TruncationDirection.Left)
        {
            var sink = new LeftTruncatingSink(destination);
            Tokenize(text, ref sink);
            sink.Finish();
        }
        else
        {
            var sink = new RightTruncatingSink(destination);
            Tokenize(text, ref sink);
        }
    }
}
