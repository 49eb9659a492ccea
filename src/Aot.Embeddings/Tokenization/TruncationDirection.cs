namespace Aot.Embeddings.Tokenization;

/// <summary>Which end of a too-long text is cut (TEI's <c>truncation_direction</c>).</summary>
public enum TruncationDirection
{
    /// <summary>Keep the beginning, drop tokens from the end (the default everywhere).</summary>
    Right,

    /// <summary>Keep the end, drop tokens from the beginning.</summary>
    Left,
}
