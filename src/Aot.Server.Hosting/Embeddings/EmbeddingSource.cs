using Aot.Embeddings.Pooling;
using Aot.Embeddings.Protocol;

namespace Aot.Server.Embeddings;

/// <summary>
/// How a served model also answers text: its WordPiece vocabulary, pooling and request limits. Present on a
/// <see cref="Models.ModelSource"/> when <c>--tokenizer NAME=PATH</c> names it (<see cref="IsExplicit"/>), or when a
/// <c>vocab.txt</c> lies next to its file (a sidecar: tried, and skipped with a warning if the model is no encoder).
/// </summary>
internal sealed record class EmbeddingSource(string VocabularyPath, bool IsExplicit)
{
    /// <summary>The sidecar vocabulary file name looked for next to a model.</summary>
    public const string SidecarFileName = "vocab.txt";

    public PoolingMode Pooling { get; init; } = PoolingMode.Mean;

    /// <summary>Most tokens per text, <c>[CLS]</c> and <c>[SEP]</c> included (capped by a fixed sequence dimension).</summary>
    public int MaxInputLength { get; init; } = 512;

    public EmbeddingServiceOptions Service { get; init; } = new();

    /// <summary>The sidecar next to <paramref name="modelPath"/>, or null.</summary>
    public static EmbeddingSource? FindSidecar(string modelPath)
    {
        string vocabulary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(modelPath)) ?? ".", SidecarFileName);
        return File.Exists(vocabulary) ? new EmbeddingSource(vocabulary, IsExplicit: false) : null;
    }
}
