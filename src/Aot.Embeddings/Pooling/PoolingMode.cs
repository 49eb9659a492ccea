namespace Aot.Embeddings.Pooling;

/// <summary>How a text's token vectors become one vector.</summary>
public enum PoolingMode
{
    /// <summary>Average of the token vectors the attention mask marks as real (sentence-transformers' default; MiniLM).</summary>
    Mean,

    /// <summary>The vector of the first token, <c>[CLS]</c> (arctic-embed, BGE).</summary>
    Cls,
}
