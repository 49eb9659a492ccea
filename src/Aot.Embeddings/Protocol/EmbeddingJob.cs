using Aot.Embeddings.Pooling;

namespace Aot.Embeddings.Protocol;

/// <summary>
/// A validated, tokenized embedding request, ready for a batch: its rows go into
/// <see cref="EmbeddingRunner.Run"/> (alone or concatenated with other jobs' rows), then
/// <see cref="PoolFrom(EmbeddingRunner, int)"/> fills <see cref="Vectors"/> with this request's own normalise/dimensions choices.
/// </summary>
public sealed class EmbeddingJob
{
    internal EmbeddingJob(ReadOnlyMemory<long>[] rows, bool normalize, int dimensions, bool base64, string? model, bool allTokens = false)
    {
        AllTokens = allTokens;
        TokenVectors = allTokens ? new float[rows.Length][][] : [];
        Rows = rows;
        Normalize = normalize;
        Dimensions = dimensions;
        Base64 = base64;
        Model = model;
        Vectors = new float[rows.Length][];
        foreach (ReadOnlyMemory<long> row in rows)
        {
            PromptTokens += row.Length;
            LongestRow = Math.Max(LongestRow, row.Length);
        }
    }

    private int[]? _allRows;

    /// <summary>One row of token ids per text (<c>[CLS]</c> … <c>[SEP]</c>), in input order.</summary>
    public IReadOnlyList<ReadOnlyMemory<long>> Rows { get; }

    /// <summary>L2-normalise each vector.</summary>
    public bool Normalize { get; }

    /// <summary>Length of each vector.</summary>
    public int Dimensions { get; }

    /// <summary>OpenAI <c>encoding_format: base64</c>.</summary>
    public bool Base64 { get; }

    /// <summary>The model the request named (OpenAI), if any.</summary>
    public string? Model { get; }

    /// <summary>TEI's <c>/embed_all</c>: keep every token's hidden state (<see cref="TokenVectors"/>) instead of pooling.</summary>
    public bool AllTokens { get; }

    /// <summary>For <see cref="AllTokens"/> jobs: per input, per real token (padding left out), the hidden state.</summary>
    public float[][][] TokenVectors { get; }

    /// <summary>Tokens over all rows, special tokens included (OpenAI <c>usage</c>; TEI counts the same way).</summary>
    public int PromptTokens { get; }

    /// <summary>Tokens in the longest row: the sequence length of this job's own inputs (<see cref="WriteInputs(Span{long}, Span{long}, int, long)"/>).</summary>
    public int LongestRow { get; }

    /// <summary>The results, filled by <see cref="PoolFrom(EmbeddingRunner, int)"/> or <see cref="PoolFrom(ReadOnlySpan{float}, int, int, PoolingMode)"/>.</summary>
    public float[][] Vectors { get; }

    /// <summary>
    /// Pools this job's rows from the runner's last batch, in which they were placed from row
    /// <paramref name="firstRow"/> on.
    /// </summary>
    public void PoolFrom(EmbeddingRunner runner, int firstRow)
    {
        ArgumentNullException.ThrowIfNull(runner);
        for (int i = 0; i < Vectors.Length; i++)
        {
            float[] vector = Vectors[i] ??= new float[Dimensions];
            runner.Pool(firstRow + i, vector, Normalize);
        }
    }

    /// <summary>
    /// Writes this job's rows as an encoder batch of its own, <c>[rows, sequenceLength]</c> row-major: for a caller
    /// that batches jobs itself (the server pads and concatenates such batches). Token type ids, if the model has
    /// them, are all zero (one segment) and are not written here.
    /// </summary>
    /// <param name="inputIds">Destination of <c>input_ids</c>: rows × <paramref name="sequenceLength"/> values.</param>
    /// <param name="attentionMask">Destination of <c>attention_mask</c>, the same size.</param>
    /// <param name="sequenceLength">Tokens per row: <see cref="LongestRow"/>, or more (a model with a fixed sequence length).</param>
    /// <param name="paddingId">The tokenizer's <c>[PAD]</c> id.</param>
    public void WriteInputs(Span<long> inputIds, Span<long> attentionMask, int sequenceLength, long paddingId) =>
        WriteInputs(AllRows, inputIds, attentionMask, sequenceLength, paddingId);

    /// <summary>
    /// Writes some of this job's rows (<paramref name="rows"/>, indices into <see cref="Rows"/>, in that order) as an
    /// encoder batch of their own: one run of a job split by length (<see cref="LengthGroups"/>).
    /// </summary>
    /// <param name="rows">The rows to write, as indices into <see cref="Rows"/>.</param>
    /// <param name="inputIds">Destination of <c>input_ids</c>: <paramref name="rows"/>.Length × <paramref name="sequenceLength"/> values.</param>
    /// <param name="attentionMask">Destination of <c>attention_mask</c>, the same size.</param>
    /// <param name="sequenceLength">Tokens per row: at least the longest of these rows.</param>
    /// <param name="paddingId">The tokenizer's <c>[PAD]</c> id.</param>
    public void WriteInputs(ReadOnlySpan<int> rows, Span<long> inputIds, Span<long> attentionMask, int sequenceLength, long paddingId)
    {
        int length = sequenceLength;
        long values = (long)rows.Length * length;
        int longest = LongestOf(rows);
        if (length < longest || inputIds.Length != values || attentionMask.Length != values)
            throw new ArgumentException($"The inputs are {rows.Length} rows of {length} tokens (at least {longest}) = {values} values; the destinations hold {inputIds.Length} and {attentionMask.Length}.");
        for (int r = 0; r < rows.Length; r++)
            EncoderRows.Write(Rows[rows[r]].Span, inputIds.Slice(r * length, length), attentionMask.Slice(r * length, length), paddingId);
    }

    /// <summary>Tokens in the longest of the given rows (indices into <see cref="Rows"/>).</summary>
    public int LongestOf(ReadOnlySpan<int> rows)
    {
        int longest = 0;
        foreach (int row in rows)
            longest = Math.Max(longest, Rows[row].Length);
        return longest;
    }

    /// <summary>Tokens in the given rows (indices into <see cref="Rows"/>), padding not counted.</summary>
    public int TokensOf(ReadOnlySpan<int> rows)
    {
        int tokens = 0;
        foreach (int row in rows)
            tokens += Rows[row].Length;
        return tokens;
    }

    /// <summary>Every row's index, in order: the whole job as one run.</summary>
    public ReadOnlySpan<int> AllRows => _allRows ??= Enumerable.Range(0, Rows.Count).ToArray();

    /// <summary>
    /// Pools this job's rows from hidden states laid out <c>[rows, <paramref name="sequenceLength"/>, <paramref name="hiddenSize"/>]</c>
    /// (the job's own rows of a possibly padded batch output), each over its own tokens.
    /// </summary>
    /// <param name="hidden">This job's rows of the last hidden state.</param>
    /// <param name="sequenceLength">Tokens per row in <paramref name="hidden"/> (at least <see cref="LongestRow"/>).</param>
    /// <param name="hiddenSize">Values per token.</param>
    /// <param name="mode">Mean or CLS.</param>
    public void PoolFrom(ReadOnlySpan<float> hidden, int sequenceLength, int hiddenSize, PoolingMode mode) =>
        PoolFrom(AllRows, hidden, sequenceLength, hiddenSize, mode);

    /// <summary>
    /// Pools some of this job's rows (<paramref name="rows"/>, indices into <see cref="Rows"/>) from the hidden states of
    /// the run they were written to by <see cref="WriteInputs(ReadOnlySpan{int}, Span{long}, Span{long}, int, long)"/>,
    /// laid out <c>[rows.Length, <paramref name="sequenceLength"/>, <paramref name="hiddenSize"/>]</c>; each result goes to
    /// its text's place in <see cref="Vectors"/> (or <see cref="TokenVectors"/>). Runs of one job may pool concurrently:
    /// they write disjoint entries.
    /// </summary>
    public void PoolFrom(ReadOnlySpan<int> rows, ReadOnlySpan<float> hidden, int sequenceLength, int hiddenSize, PoolingMode mode)
    {
        int rowValues = sequenceLength * hiddenSize;
        int longest = LongestOf(rows);
        if (sequenceLength < longest || hidden.Length < (long)rows.Length * rowValues)
            throw new ArgumentException($"The hidden states hold {hidden.Length} values; {rows.Length} rows of {longest}+ tokens x {hiddenSize} were expected (sequence length given: {sequenceLength}).", nameof(hidden));
        for (int r = 0; r < rows.Length; r++)
        {
            int i = rows[r];
            ReadOnlySpan<float> row = hidden.Slice(r * rowValues, rowValues);
            if (AllTokens)
            {
                var tokens = new float[Rows[i].Length][];
                for (int t = 0; t < tokens.Length; t++)
                    tokens[t] = row.Slice(t * hiddenSize, hiddenSize).ToArray();
                TokenVectors[i] = tokens;
                continue;
            }

            float[] vector = Vectors[i] ??= new float[Dimensions];
            EmbeddingPooling.Pool(row, hiddenSize, Rows[i].Length, mode, vector);
            if (Normalize)
                EmbeddingPooling.Normalize(vector);
        }
    }
}
