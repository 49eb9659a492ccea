using Aot.Embeddings.Tokenization;

namespace Aot.Server.Classification;

/// <summary>
/// The tokenized rows of one <c>/predict</c> or <c>/rerank</c> request (each a text or a text pair), and on completion
/// their logits, <c>[rows, labels]</c>.
/// </summary>
internal sealed class ClassificationJob
{
    private readonly long[] _ids;
    private readonly long[] _types;
    private readonly int[] _lengths;
    private readonly int _maxLength;

    public ClassificationJob(BertTokenizer tokenizer, IReadOnlyList<(string First, string? Second)> rows, int maxLength, bool truncate, TruncationDirection direction)
    {
        _maxLength = maxLength;
        _ids = new long[rows.Count * maxLength];
        _types = new long[rows.Count * maxLength];
        _lengths = new int[rows.Count];
        long[] mask = new long[maxLength];
        for (int r = 0; r < rows.Count; r++)
        {
            Span<long> ids = _ids.AsSpan(r * maxLength, maxLength);
            Span<long> types = _types.AsSpan(r * maxLength, maxLength);
            EncodeResult result = rows[r].Second is { } second
                ? tokenizer.EncodePairRow(rows[r].First, second, ids, mask, types, truncate, direction)
                : tokenizer.EncodeRow(rows[r].First, ids, mask, types, truncate, direction);
            _lengths[r] = result.Length;
            LongestRow = Math.Max(LongestRow, result.Length);
            PromptTokens += result.Length;
        }
    }

    public int Rows => _lengths.Length;

    public int LongestRow { get; }

    public int PromptTokens { get; }

    /// <summary>The logits, <c>[rows, labels]</c>, set by the request on completion.</summary>
    public float[] Logits { get; set; } = [];

    /// <summary>Writes the rows as <c>[rows, length]</c> encoder inputs, padded with <paramref name="paddingId"/> (mask 0).</summary>
    public void WriteInputs(Span<long> ids, Span<long> mask, Span<long> types, int length, long paddingId)
    {
        for (int r = 0; r < Rows; r++)
        {
            int used = _lengths[r];
            _ids.AsSpan(r * _maxLength, used).CopyTo(ids.Slice(r * length, used));
            ids.Slice(r * length + used, length - used).Fill(paddingId);
            mask.Slice(r * length, used).Fill(1);
            mask.Slice(r * length + used, length - used).Clear();
            if (!types.IsEmpty)
            {
                _types.AsSpan(r * _maxLength, used).CopyTo(types.Slice(r * length, used));
                types.Slice(r * length + used, length - used).Clear();
            }
        }
    }
}
