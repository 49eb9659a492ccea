namespace Aot.Embeddings.Protocol;

/// <summary>
/// A request the embedding endpoints refuse, with the HTTP status to answer and TEI's error type. The server maps
/// it to <c>{"error": Message, "error_type": ErrorType}</c> (<see cref="ErrorResponse"/>) and the status; it never
/// becomes a 500.
/// </summary>
public sealed class EmbeddingRequestException : Exception
{
    /// <summary>Creates the exception.</summary>
    public EmbeddingRequestException(int statusCode, string errorType, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        ErrorType = errorType;
    }

    /// <summary>400, 413 or 422.</summary>
    public int StatusCode { get; }

    /// <summary>TEI's <c>error_type</c>: <c>empty</c>, <c>validation</c> or <c>tokenizer</c>.</summary>
    public string ErrorType { get; }

    /// <summary>The body to answer with.</summary>
    public ErrorResponse ToResponse() => new(Message, ErrorType);

    // TEI's mapping: Empty -> 400, Validation -> 413, Tokenizer -> 422; axum answers 400 for bad JSON syntax and
    // 422 for JSON of the wrong shape. The same statuses are used here so TEI clients see what they expect.
    internal static EmbeddingRequestException Empty(string message) => new(400, "empty", message);

    internal static EmbeddingRequestException Validation(string message) => new(413, "validation", message);

    internal static EmbeddingRequestException BadValue(string message) => new(400, "validation", message);

    internal static EmbeddingRequestException Syntax(string message, Exception? inner = null) => new(400, "validation", message, inner);

    internal static EmbeddingRequestException Shape(string message, Exception? inner = null) => new(422, "tokenizer", message, inner);
}
