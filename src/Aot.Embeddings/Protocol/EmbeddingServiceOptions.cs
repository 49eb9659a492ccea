namespace Aot.Embeddings.Protocol;

/// <summary>Server-side limits and defaults of the embedding endpoints (TEI's flags of the same meaning).</summary>
public sealed record class EmbeddingServiceOptions
{
    /// <summary>Most texts in one request (TEI <c>--max-client-batch-size</c>, default 32).</summary>
    public int MaxClientBatchSize { get; init; } = 32;

    /// <summary>Truncate when a request does not say (TEI <c>--auto-truncate</c>, default off: too long is 413).</summary>
    public bool AutoTruncate { get; init; }

    /// <summary>Model name echoed by <c>/v1/embeddings</c> when the request names none.</summary>
    public string ModelName { get; init; } = "default";

    /// <summary>Prompts a request may name in <c>prompt_name</c> (TEI/sentence-transformers): name → text put before each input.</summary>
    public IReadOnlyDictionary<string, string> Prompts { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
