using Aot.Embeddings.Pooling;
using Aot.Embeddings.Tokenization;
using Aot.Runtime;

namespace Aot.Embeddings;

/// <summary>
/// Embeds one text at a time into a caller's span with <b>0 managed bytes</b> allocated in steady state: the
/// model always runs at <c>[1, SequenceLength]</c> (shorter texts are padded, the attention mask hides the padding),
/// so the runner's bindings never change, and the tokenizer writes straight into the pinned input buffers.
/// Not thread-safe: one per thread.
/// </summary>
/// <remarks>
/// The cost of the fixed shape is compute on padding: pick the length of the texts you expect (e.g. 128), not the
/// model's maximum. Over a generated typed class, pass its <see cref="ModelRunner"/> and a tokenizer.
/// </remarks>
public sealed class FixedLengthEmbedder : IDisposable
{
    private readonly ModelRunner _runner;
    private readonly BertTokenizer _tokenizer;
    private readonly BertSignature _signature;
    private readonly PoolingMode _pooling;
    private readonly bool _ownsRunner;
    private readonly long[] _shape;

    /// <summary>Embeds with a runner of a BERT-style model (inputs found by name).</summary>
    public FixedLengthEmbedder(ModelRunner runner, BertTokenizer tokenizer, int sequenceLength, PoolingMode pooling = PoolingMode.Mean, bool ownsRunner = false)
        : this(runner, tokenizer, sequenceLength, pooling, BertSignature.Of(runner.Model, outputName: null), ownsRunner)
    {
    }

    internal FixedLengthEmbedder(ModelRunner runner, BertTokenizer tokenizer, int sequenceLength, PoolingMode pooling, BertSignature signature, bool ownsRunner)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequenceLength, 2);
        _runner = runner;
        _tokenizer = tokenizer;
        _signature = signature;
        _pooling = pooling;
        _ownsRunner = ownsRunner;
        _shape = [1, sequenceLength];
    }

    /// <summary>Tokens per run, special tokens and padding included.</summary>
    public int SequenceLength => (int)_shape[1];

    /// <summary>Full embedding width.</summary>
    public int HiddenSize => _signature.HiddenSize;

    /// <summary>
    /// Embeds <paramref name="text"/> into <paramref name="destination"/> (its length = dimensions wanted, at most
    /// <see cref="HiddenSize"/>). Returns the number of tokens used, special tokens included.
    /// </summary>
    /// <exception cref="InputTooLongException">The text does not fit and <paramref name="truncate"/> is false.</exception>
    public int Embed(ReadOnlySpan<char> text, Span<float> destination, bool normalize = true, bool truncate = true,
        TruncationDirection direction = TruncationDirection.Right)
    {
        if (destination.Length is 0 || destination.Length > HiddenSize)
            throw new ArgumentException($"The destination must have 1..{HiddenSize} elements; it has {destination.Length}.", nameof(destination));
        Span<long> ids = _runner.GetInputBuffer<long>(_signature.InputIdsIndex, _shape);
        Span<long> mask = _runner.GetInputBuffer<long>(_signature.AttentionMaskIndex, _shape);
        Span<long> types = _signature.TokenTypeIdsIndex >= 0 ? _runner.GetInputBuffer<long>(_signature.TokenTypeIdsIndex, _shape) : [];
        int length = _tokenizer.EncodeRow(text, ids, mask, types, truncate, direction).Length;
        _runner.Run();
        EmbeddingPooling.Pool(_runner.GetOutput<float>(_signature.OutputIndex), HiddenSize, length, _pooling, destination);
        if (normalize)
            EmbeddingPooling.Normalize(destination);
        return length;
    }

    /// <summary>Disposes the runner if this embedder owns it.</summary>
    public void Dispose()
    {
        if (_ownsRunner)
            _runner.Dispose();
    }
}
