using Aot.Embeddings;

namespace Aot.Extensions.AI;

/// <summary>How an <see cref="AotEmbeddingGenerator"/> loads its model and runs requests.</summary>
public sealed class AotEmbeddingGeneratorOptions
{
    /// <summary>
    /// The id reported in <see cref="Microsoft.Extensions.AI.Embedding.ModelId"/> and the generator's metadata; null means
    /// the model file's name without its extension (<c>all-MiniLM-L6-v2</c>).
    /// </summary>
    public string? ModelId { get; set; }

    /// <summary>Pooling, maximum sequence length, ONNX Runtime options; used when the generator loads the model itself.</summary>
    public EmbeddingModelOptions Model { get; set; } = new();

    /// <summary>
    /// Normalise / truncate / truncation direction / dimensions applied to every call. Per-call
    /// <see cref="Microsoft.Extensions.AI.EmbeddingGenerationOptions.Dimensions"/> overrides <see cref="EmbedOptions.Dimensions"/>.
    /// The default normalises and right-truncates texts over the model's maximum.
    /// </summary>
    public EmbedOptions Embed { get; set; } = EmbedOptions.Default;

    /// <summary>
    /// Most texts in one model run. A call with more texts runs them in consecutive batches of this size, so one
    /// huge call cannot pad thousands of rows to its longest text. 32 is TEI's client batch limit.
    /// </summary>
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>
    /// Most calls running the model at once (one runner each, with its own pinned buffers); further calls wait
    /// asynchronously for a free runner. ONNX Runtime already spreads one run over its intra-op threads, so more
    /// parallel runs than cores only adds memory.
    /// </summary>
    public int MaxConcurrency { get; set; } = Environment.ProcessorCount;
}
