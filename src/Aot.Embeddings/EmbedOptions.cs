using Aot.Embeddings.Tokenization;

namespace Aot.Embeddings;

/// <summary>Per-request choices. Immutable: keep instances around rather than creating one per call.</summary>
public sealed record class EmbedOptions
{
    /// <summary>Normalised, truncated on the right, full dimensions.</summary>
    public static EmbedOptions Default { get; } = new();

    /// <summary>Scale each vector to unit L2 length (TEI's <c>normalize</c>, default true).</summary>
    public bool Normalize { get; init; } = true;

    /// <summary>Cut texts longer than the model's maximum (true) or refuse them with <see cref="InputTooLongException"/>.</summary>
    public bool Truncate { get; init; } = true;

    /// <summary>Which end of a too-long text is cut.</summary>
    public TruncationDirection TruncationDirection { get; init; } = TruncationDirection.Right;

    /// <summary>Keep only the first N dimensions (Matryoshka); re-normalised after truncation when <see cref="Normalize"/>. Null = all.</summary>
    public int? Dimensions { get; init; }
}
