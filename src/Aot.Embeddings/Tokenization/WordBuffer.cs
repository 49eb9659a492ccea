using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Aot.Embeddings.Tokenization;

/// <summary>
/// The normalised characters of the word being built and, for each, the source range it came from, plus scratch
/// for its pieces. Inline arrays, so a local of this type is all the tokenizer's working memory, on the stack.
/// </summary>
internal struct WordBuffer
{
    /// <summary>A word longer than MaxCharactersPerWord scalars is [UNK] anyway: two UTF-16 units per scalar plus slack.</summary>
    public const int Capacity = (2 * BertTokenizerOptions.MaxCharactersPerWordLimit) + 16;

    private CharArray _chars;
    private IntArray _sourceStarts;
    private IntArray _sourceEnds;
    private IntArray _pieceIds;
    private IntArray _pieceEnds;
    private int _length;

    public readonly bool IsEmpty => _length == 0 && !Overflowed;

    /// <summary>The word outgrew the buffer, so it is far past the word-length limit and will be [UNK].</summary>
    public bool Overflowed { get; private set; }

    public int ScalarCount { get; private set; }

    public int SourceStart { get; private set; }

    public int SourceEnd { get; private set; }

    [UnscopedRef]
    public ReadOnlySpan<char> Chars => ((ReadOnlySpan<char>)_chars)[.._length];

    [UnscopedRef]
    public Span<int> PieceIds => _pieceIds;

    [UnscopedRef]
    public Span<int> PieceEnds => _pieceEnds;

    public readonly int SourceStartOf(int index) => _sourceStarts[index];

    public readonly int SourceEndOf(int index) => _sourceEnds[index];

    public void Append(ReadOnlySpan<char> normalized, int sourceStart, int sourceEnd)
    {
        if (IsEmpty)
            SourceStart = sourceStart;
        SourceEnd = sourceEnd;
        ScalarCount += char.IsHighSurrogate(normalized[0]) ? normalized.Length / 2 : normalized.Length;
        if (_length + normalized.Length > Capacity)
        {
            Overflowed = true;
            return;
        }

        normalized.CopyTo(((Span<char>)_chars)[_length..]);
        ((Span<int>)_sourceStarts).Slice(_length, normalized.Length).Fill(sourceStart);
        ((Span<int>)_sourceEnds).Slice(_length, normalized.Length).Fill(sourceEnd);
        _length += normalized.Length;
    }

    public void Clear()
    {
        _length = 0;
        ScalarCount = 0;
        Overflowed = false;
    }

    [InlineArray(Capacity)]
    private struct CharArray
    {
        private char _element;
    }

    [InlineArray(Capacity)]
    private struct IntArray
    {
        private int _element;
    }
}
