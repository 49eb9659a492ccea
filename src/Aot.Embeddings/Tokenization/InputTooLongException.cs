namespace Aot.Embeddings.Tokenization;

/// <summary>A text has more tokens than the model takes, and truncation was off.</summary>
public sealed class InputTooLongException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InputTooLongException(int tokenCount, int maxTokens)
        : base($"The text has {tokenCount} tokens, more than the maximum of {maxTokens}; shorten it or turn truncation on.")
    {
        TokenCount = tokenCount;
        MaxTokens = maxTokens;
    }

    /// <summary>Tokens the whole text has, special tokens included.</summary>
    public int TokenCount { get; }

    /// <summary>The limit, special tokens included.</summary>
    public int MaxTokens { get; }
}
