using Aot.Embeddings.Pooling;

namespace Aot.Server.Models;

/// <summary>
/// The <c>text</c> section of a model's <c>config.json</c>: what a text model (served on <c>/embed</c>,
/// <c>/v1/embeddings</c>, <c>/predict</c>) uses. Null members were not given in the file.
/// </summary>
internal sealed record class TextConfig
{
    /// <summary>The WordPiece vocabulary, as an absolute path (a relative one in the file is taken from the file's folder).</summary>
    public string? Tokenizer { get; init; }

    public PoolingMode? Pooling { get; init; }

    public int? MaxInputLength { get; init; }

    public int? MaxClientBatchSize { get; init; }

    public bool? AutoTruncate { get; init; }

    public IReadOnlyDictionary<string, string>? Prompts { get; init; }
}
