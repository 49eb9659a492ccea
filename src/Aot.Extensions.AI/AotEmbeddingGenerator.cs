using Aot.Embeddings;
using Aot.Embeddings.Tokenization;
using Aot.Runtime;
using Microsoft.Extensions.AI;

namespace Aot.Extensions.AI;

/// <summary>
/// Microsoft.Extensions.AI's <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over an in-process BERT-family
/// encoder (<see cref="EmbeddingModel"/>): the WordPiece tokenizer, ONNX Runtime and pooling of Aot.Embeddings, so the
/// vectors are the ones <c>aot serve</c> answers on <c>/embed</c> and <c>/v1/embeddings</c>.
/// </summary>
/// <remarks>
/// Thread-safe. Each call rents a runner from a bounded pool (<see cref="AotEmbeddingGeneratorOptions.MaxConcurrency"/>),
/// runs its texts through the model in batches of <see cref="AotEmbeddingGeneratorOptions.MaxBatchSize"/> (each padded
/// to its longest text) on the calling thread, and returns the runner. Empty strings are embedded (<c>[CLS] [SEP]</c>),
/// as TEI and the server do.
/// </remarks>
public sealed class AotEmbeddingGenerator : IEmbeddingGenerator<string, Embedding<float>>
{
    /// <summary>The provider name in <see cref="EmbeddingGeneratorMetadata"/>.</summary>
    public const string ProviderName = "aot";

    private readonly EmbeddingModel _model;
    private readonly bool _ownsModel;
    private readonly RunnerPool _runners;
    private readonly EmbedOptions _embed;
    private readonly int _maxBatchSize;
    private readonly EmbeddingGeneratorMetadata _metadata;
    private int _disposed;

    /// <summary>Creates a generator over a loaded model; disposing the generator disposes the model only if <paramref name="ownsModel"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A batch size or concurrency below 1, or default dimensions outside the model's.</exception>
    public AotEmbeddingGenerator(EmbeddingModel model, AotEmbeddingGeneratorOptions? options = null, bool ownsModel = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new AotEmbeddingGeneratorOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1, nameof(options.MaxBatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConcurrency, 1, nameof(options.MaxConcurrency));
        _embed = options.Embed ?? EmbedOptions.Default;
        int dimensions = model.ResolveDimensions(_embed.Dimensions);
        _model = model;
        _ownsModel = ownsModel;
        _maxBatchSize = options.MaxBatchSize;
        _runners = new RunnerPool(model, options.MaxConcurrency);
        ModelId = options.ModelId ?? Path.GetFileNameWithoutExtension(model.OnnxModel.Source);
        _metadata = new EmbeddingGeneratorMetadata(ProviderName, providerUri: null, ModelId, dimensions);
    }

    /// <summary>The id put on every embedding and in the metadata.</summary>
    public string ModelId { get; }

    /// <summary>The model: tokenizer, hidden size, maximum sequence length.</summary>
    public EmbeddingModel Model => _model;

    /// <summary>
    /// Loads an encoder and its WordPiece vocabulary (<paramref name="vocabularyPath"/>, else
    /// <see cref="EmbeddingModelOptions.VocabularyPath"/>, else the <c>vocab.txt</c> next to the model).
    /// </summary>
    /// <exception cref="FileNotFoundException">The vocabulary is missing.</exception>
    /// <exception cref="ModelLoadException">The model cannot be loaded.</exception>
    public static AotEmbeddingGenerator Load(string modelPath, string? vocabularyPath = null, AotEmbeddingGeneratorOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        options ??= new AotEmbeddingGeneratorOptions();
        EmbeddingModelOptions modelOptions = options.Model ?? new EmbeddingModelOptions();
        if (vocabularyPath is not null)
            modelOptions = modelOptions with { VocabularyPath = vocabularyPath };
        EmbeddingModel model = EmbeddingModel.Load(modelPath, modelOptions);
        try
        {
            return new AotEmbeddingGenerator(model, options, ownsModel: true);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A generator over a model compiled in with the source generator: pass the typed class's <c>Model</c> (or its
    /// <c>LoadEmbedded()</c> result). The ONNX model stays the caller's: keep it alive while the generator is used.
    /// </summary>
    public static AotEmbeddingGenerator Create(OnnxModel model, BertTokenizer tokenizer, AotEmbeddingGeneratorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        EmbeddingModel embeddingModel = EmbeddingModel.Create(model, tokenizer, options?.Model, ownsModel: false);
        return new AotEmbeddingGenerator(embeddingModel, options, ownsModel: true);
    }

    /// <summary>
    /// A generator over the session of a typed class's runner (<c>new MiniLm(path).Runner</c>). That runner itself is
    /// not used — it is single-threaded — the generator runs on pooled runners of the same ONNX session.
    /// </summary>
    public static AotEmbeddingGenerator Create(ModelRunner runner, BertTokenizer tokenizer, AotEmbeddingGeneratorOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runner);
        return Create(runner.Model, tokenizer, options);
    }

    /// <summary>Embeds <paramref name="values"/>, in order, one vector each.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    /// <exception cref="ArgumentException">No texts, or a null text.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="EmbeddingGenerationOptions.Dimensions"/> is not in 1..hidden size.</exception>
    /// <exception cref="InputTooLongException">A text is over the model's maximum and truncation is off.</exception>
    public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values,
        EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(values);
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        string[] texts = [.. values];
        if (texts.Length == 0)
            throw new ArgumentException("At least one text is needed.", nameof(values));
        int nullAt = Array.IndexOf(texts, null);
        if (nullAt >= 0)
            throw new ArgumentException($"Text {nullAt} is null.", nameof(values));
        EmbedOptions embed = options?.Dimensions is { } dimensions
            ? _embed with { Dimensions = _model.ResolveDimensions(dimensions) }
            : _embed;

        EmbeddingRunner runner = await _runners.RentAsync(cancellationToken).ConfigureAwait(false);
        var embeddings = new GeneratedEmbeddings<Embedding<float>>(texts.Length);
        long tokens = 0;
        DateTimeOffset createdAt = DateTimeOffset.UtcNow;
        try
        {
            for (int start = 0; start < texts.Length; start += _maxBatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var batch = new ArraySegment<string>(texts, start, Math.Min(_maxBatchSize, texts.Length - start));
                foreach (float[] vector in runner.Embed(batch, embed))
                    embeddings.Add(new Embedding<float>(vector) { ModelId = ModelId, CreatedAt = createdAt });
                tokens += runner.TokenCount;
            }
        }
        finally
        {
            _runners.Return(runner);
        }

        embeddings.Usage = new UsageDetails { InputTokenCount = tokens, TotalTokenCount = tokens };
        return embeddings;
    }

    /// <summary>
    /// <see cref="EmbeddingGeneratorMetadata"/> (provider <c>aot</c>, model id, dimensions), the generator itself, or
    /// its <see cref="EmbeddingModel"/>; null for anything else or any key.
    /// </summary>
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
            return null;
        if (serviceType == typeof(EmbeddingGeneratorMetadata))
            return _metadata;
        if (serviceType.IsInstanceOfType(this))
            return this;
        return serviceType == typeof(EmbeddingModel) ? _model : null;
    }

    /// <summary>
    /// Releases the idle runners and, if owned, the model; later calls throw <see cref="ObjectDisposedException"/>.
    /// As with any <see cref="IDisposable"/>, dispose once no call is running (the DI container does so at shutdown).
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _runners.Dispose();
        if (_ownsModel)
            _model.Dispose();
    }
}
