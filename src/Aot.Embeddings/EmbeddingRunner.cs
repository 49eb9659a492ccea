using Aot.Embeddings.Pooling;
using Aot.Runtime;

namespace Aot.Embeddings;

/// <summary>
/// One worker's state for running an <see cref="EmbeddingModel"/>: a <see cref="ModelRunner"/> (pinned input and
/// output buffers) and scratch. Not thread-safe: one per worker thread, as with <see cref="ModelRunner"/>.
/// </summary>
/// <remarks>
/// The server's batch loop uses the two-step hook: <see cref="Run"/> a batch of already-tokenized rows (padded here
/// to the longest), then <see cref="Pool"/> each row with its own request's choices (normalise, dimensions).
/// </remarks>
public sealed class EmbeddingRunner : IDisposable
{
    private readonly EmbeddingModel _model;
    private readonly BertSignature _signature;
    private readonly ModelRunner _runner;
    private int[] _rowLengths = new int[8];
    private long[] _scratchIds = [];
    private int _rows;
    private int _sequenceLength;
    private int _tokenCount;

    internal EmbeddingRunner(EmbeddingModel model, BertSignature signature)
    {
        _model = model;
        _signature = signature;
        _runner = model.OnnxModel.CreateRunner();
    }

    /// <summary>The model this runner runs.</summary>
    public EmbeddingModel Model => _model;

    /// <summary>Rows of the last <see cref="Run"/>.</summary>
    public int RowCount => _rows;

    /// <summary>Sequence length the last batch was padded to.</summary>
    public int SequenceLength => _sequenceLength;

    /// <summary>
    /// Real tokens in the last <see cref="Run"/> (the rest of <see cref="RowCount"/> × <see cref="SequenceLength"/> was
    /// padding), or over all the runs of the last <see cref="Embed"/>; special tokens included (what OpenAI's
    /// <c>usage</c> counts).
    /// </summary>
    public int TokenCount => _tokenCount;

    /// <summary>
    /// Runs the model once over a batch of tokenized rows — each the ids of one text, <c>[CLS]</c> and <c>[SEP]</c>
    /// included, as <see cref="Tokenization.BertTokenizer.Encode"/> writes them — padded to the longest row.
    /// Allocation-free when the batch shape repeats.
    /// </summary>
    public void Run(ReadOnlySpan<ReadOnlyMemory<long>> rows)
    {
        if (rows.IsEmpty)
            throw new ArgumentException("A batch needs at least one row.", nameof(rows));
        int longest = 0;
        int tokens = 0;
        foreach (ReadOnlyMemory<long> row in rows)
        {
            if (row.Length < 1 || row.Length > _model.MaxSequenceLength)
                throw new ArgumentException($"A row has {row.Length} tokens; rows have 1..{_model.MaxSequenceLength}.", nameof(rows));
            longest = Math.Max(longest, row.Length);
            tokens += row.Length;
        }

        if (_rowLengths.Length < rows.Length)
            _rowLengths = new int[Math.Max(rows.Length, _rowLengths.Length * 2)];
        Span<long> shape = [rows.Length, longest];
        Span<long> ids = _runner.GetInputBuffer<long>(_signature.InputIdsIndex, shape);
        Span<long> mask = _runner.GetInputBuffer<long>(_signature.AttentionMaskIndex, shape);
        long padding = _model.Tokenizer.PaddingId;
        for (int r = 0; r < rows.Length; r++)
        {
            ReadOnlySpan<long> row = rows[r].Span;
            Span<long> idsRow = ids.Slice(r * longest, longest);
            Span<long> maskRow = mask.Slice(r * longest, longest);
            EncoderRows.Write(row, idsRow, maskRow, padding);
            _rowLengths[r] = row.Length;
        }

        if (_signature.TokenTypeIdsIndex >= 0)
            _runner.GetInputBuffer<long>(_signature.TokenTypeIdsIndex, shape).Clear(); // one segment
        _rows = rows.Length;
        _sequenceLength = longest;
        _tokenCount = tokens;
        _runner.Run();
    }

    /// <summary>
    /// Pools row <paramref name="row"/> of the last <see cref="Run"/> into <paramref name="destination"/>, whose
    /// length is the dimensions wanted (at most <see cref="EmbeddingModel.HiddenSize"/>), then L2-normalises it
    /// if asked. Truncating dimensions before normalising is Matryoshka's rule.
    /// </summary>
    public void Pool(int row, Span<float> destination, bool normalize)
    {
        if ((uint)row >= (uint)_rows)
            throw new ArgumentOutOfRangeException(nameof(row), $"Row {row} is not in the last batch of {_rows}.");
        int hiddenSize = _signature.HiddenSize;
        int rowValues = _sequenceLength * hiddenSize;
        ReadOnlySpan<float> hidden = _runner.GetOutput<float>(_signature.OutputIndex).Slice(row * rowValues, rowValues);
        EmbeddingPooling.Pool(hidden, hiddenSize, _rowLengths[row], _model.Pooling, destination);
        if (normalize)
            EmbeddingPooling.Normalize(destination);
    }

    // One run of Embed holds at most this many rows and padded tokens: bigger runs gain no speed on a CPU and keep more
    // of ONNX Runtime's arena (see the server's --max-batch-tokens).
    private const int MaxRowsPerRun = 64;
    private const long MaxTokensPerRun = 2048;

    /// <summary>
    /// Tokenizes, runs and pools a batch of texts — in runs of texts of similar length (<see cref="LengthGroups"/>), at
    /// most 2048 padded tokens each — and returns one vector per text, in order.
    /// </summary>
    /// <exception cref="Tokenization.InputTooLongException">A text is too long and <see cref="EmbedOptions.Truncate"/> is off.</exception>
    public float[][] Embed(IReadOnlyList<string> texts, EmbedOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(texts);
        options ??= EmbedOptions.Default;
        int dimensions = _model.ResolveDimensions(options.Dimensions);
        if (texts.Count == 0)
            return [];

        int max = _model.MaxSequenceLength;
        if (_scratchIds.Length < texts.Count * max)
            _scratchIds = new long[texts.Count * max];
        var rows = new ReadOnlyMemory<long>[texts.Count];
        for (int i = 0; i < texts.Count; i++)
        {
            Memory<long> slot = _scratchIds.AsMemory(i * max, max);
            int length = _model.Tokenizer.Encode(texts[i], slot.Span, options.Truncate, options.TruncationDirection).Length;
            rows[i] = slot[..length];
        }

        // Texts of mixed lengths run in groups of similar length, as the server runs them, so a few long texts do not
        // pad every short one to their length; each vector goes back to its text's place.
        var lengths = new int[rows.Length];
        int tokens = 0;
        for (int i = 0; i < rows.Length; i++)
            tokens += lengths[i] = rows[i].Length;
        int[] ends = LengthGroups.Plan(lengths, MaxRowsPerRun, MaxTokensPerRun, LengthGroups.DefaultRunOverheadTokens, out int[] order);
        var vectors = new float[texts.Count][];
        var group = new ReadOnlyMemory<long>[Math.Min(rows.Length, MaxRowsPerRun)];
        for (int g = 0, start = 0; g < ends.Length; start = ends[g++])
        {
            int count = ends[g] - start;
            for (int r = 0; r < count; r++)
                group[r] = rows[order[start + r]];
            Run(group.AsSpan(0, count));
            for (int r = 0; r < count; r++)
            {
                float[] vector = vectors[order[start + r]] = new float[dimensions];
                Pool(r, vector, options.Normalize);
            }
        }

        _tokenCount = tokens; // the whole call's, for usage counts
        return vectors;
    }

    /// <summary>Releases the runner's native buffers.</summary>
    public void Dispose() => _runner.Dispose();
}
