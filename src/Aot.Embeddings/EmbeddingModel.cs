using Aot.Embeddings.Pooling;
using Aot.Embeddings.Tokenization;
using Aot.Runtime;

namespace Aot.Embeddings;

/// <summary>
/// A BERT-family encoder with its tokenizer and pooling: text in, vectors out.
/// </summary>
/// <remarks>
/// <para>Threads: the model, its tokenizer and its metadata are immutable and shared. Work happens on runners:
/// a worker that owns a thread (the server's batch loop, a background job) creates its own with
/// <see cref="CreateRunner"/> (or a <see cref="FixedLengthEmbedder"/>) and keeps it. The convenience methods here
/// (<see cref="Embed(IReadOnlyList{string}, EmbedOptions?)"/>) are thread-safe: each call borrows a runner from a small
/// pool (at most <see cref="EmbeddingModelOptions.MaxIdleRunners"/> kept idle), so concurrent callers run in parallel
/// on one ONNX session without sharing buffers.</para>
/// </remarks>
public sealed class EmbeddingModel : IDisposable
{
    private readonly BertSignature _signature;
    private readonly bool _ownsModel;
    private readonly Stack<EmbeddingRunner> _idleRunners = new();
    private readonly int _maxIdleRunners;
    private bool _disposed;

    private EmbeddingModel(OnnxModel model, BertTokenizer tokenizer, EmbeddingModelOptions options, bool ownsModel)
    {
        if (options.MaxSequenceLength < 2)
            throw new ArgumentOutOfRangeException(nameof(options), $"MaxSequenceLength must be at least 2 ([CLS] and [SEP]); it is {options.MaxSequenceLength}.");
        _signature = BertSignature.Of(model, options.OutputName);
        OnnxModel = model;
        Tokenizer = tokenizer;
        Pooling = options.Pooling;
        MaxSequenceLength = options.MaxSequenceLength;
        _maxIdleRunners = Math.Max(0, options.MaxIdleRunners);
        _ownsModel = ownsModel;
    }

    /// <summary>The ONNX model.</summary>
    public OnnxModel OnnxModel { get; }

    /// <summary>The tokenizer.</summary>
    public BertTokenizer Tokenizer { get; }

    /// <summary>Mean or CLS.</summary>
    public PoolingMode Pooling { get; }

    /// <summary>Width of the hidden state, so of a full embedding (384 for MiniLM), read from the output's shape.</summary>
    public int HiddenSize => _signature.HiddenSize;

    /// <summary>Most tokens per text, special tokens included.</summary>
    public int MaxSequenceLength { get; }

    /// <summary>Where the encoder's inputs and hidden-state output are (for callers that run it themselves, as the server's batcher does).</summary>
    public BertSignature Signature => _signature;

    /// <summary>
    /// Loads an encoder and its vocabulary (<see cref="EmbeddingModelOptions.VocabularyPath"/>, else the
    /// <c>vocab.txt</c> next to the model).
    /// </summary>
    /// <exception cref="FileNotFoundException">The vocabulary is missing.</exception>
    /// <exception cref="ModelLoadException">The model cannot be loaded.</exception>
    public static EmbeddingModel Load(string modelPath, EmbeddingModelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(modelPath);
        options ??= new EmbeddingModelOptions();
        string vocabularyPath = options.VocabularyPath
            ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath)) ?? ".", "vocab.txt");
        if (!File.Exists(vocabularyPath))
        {
            throw new FileNotFoundException(options.VocabularyPath is null
                ? $"No vocabulary for '{modelPath}': expected 'vocab.txt' next to it ({vocabularyPath}), or give its path."
                : $"Vocabulary file '{vocabularyPath}' does not exist.", vocabularyPath);
        }

        BertTokenizer tokenizer = BertTokenizer.FromVocabularyFile(vocabularyPath, options.Tokenizer);
        OnnxModel model = OnnxModel.Load(modelPath, options.Runtime);
        try
        {
            return new EmbeddingModel(model, tokenizer, options, ownsModel: true);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Wraps a loaded model and tokenizer; disposing the result disposes the model only if <paramref name="ownsModel"/>.</summary>
    public static EmbeddingModel Create(OnnxModel model, BertTokenizer tokenizer, EmbeddingModelOptions? options = null, bool ownsModel = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        return new EmbeddingModel(model, tokenizer, options ?? new EmbeddingModelOptions(), ownsModel);
    }

    /// <summary>A runner for one worker (not thread-safe; dispose it when the worker ends).</summary>
    public EmbeddingRunner CreateRunner()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return new EmbeddingRunner(this, _signature);
    }

    /// <summary>A zero-allocation single-text embedder that always runs at <paramref name="sequenceLength"/> tokens.</summary>
    public FixedLengthEmbedder CreateFixedLengthEmbedder(int sequenceLength) =>
        new(OnnxModel.CreateRunner(), Tokenizer, sequenceLength, Pooling, _signature, ownsRunner: true);

    /// <summary>Embeds a batch in one model run. Thread-safe.</summary>
    /// <exception cref="InputTooLongException">A text is too long and truncation is off.</exception>
    public float[][] Embed(IReadOnlyList<string> texts, EmbedOptions? options = null)
    {
        EmbeddingRunner runner = Rent();
        try
        {
            return runner.Embed(texts, options);
        }
        finally
        {
            Return(runner);
        }
    }

    /// <summary>Embeds one text. Thread-safe.</summary>
    public float[] Embed(string text, EmbedOptions? options = null) => Embed([text], options)[0];

    /// <summary>The dimensions a request asks for, checked: null means all of them.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not in 1..<see cref="HiddenSize"/>.</exception>
    public int ResolveDimensions(int? dimensions) => dimensions switch
    {
        null => HiddenSize,
        >= 1 when dimensions <= HiddenSize => dimensions.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, $"dimensions must be between 1 and {HiddenSize}."),
    };

    /// <summary>Disposes idle runners and, if owned, the ONNX model.</summary>
    public void Dispose()
    {
        lock (_idleRunners)
        {
            if (_disposed)
                return;
            _disposed = true;
            while (_idleRunners.TryPop(out EmbeddingRunner? runner))
                runner.Dispose();
        }

        if (_ownsModel)
            OnnxModel.Dispose();
    }

    private EmbeddingRunner Rent()
    {
        lock (_idleRunners)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_idleRunners.TryPop(out EmbeddingRunner? runner))
                return runner;
        }

        return CreateRunner();
    }

    private void Return(EmbeddingRunner runner)
    {
        lock (_idleRunners)
        {
            if (!_disposed && _idleRunners.Count < _maxIdleRunners)
            {
                _idleRunners.Push(runner);
                return;
            }
        }

        runner.Dispose();
    }
}
