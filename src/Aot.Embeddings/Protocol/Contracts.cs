namespace Aot.Embeddings.Protocol;

/// <summary>TEI <c>POST /embed</c> request.</summary>
public sealed record class EmbedRequest
{
    /// <summary>The text or texts.</summary>
    public EmbeddingInputs? Inputs { get; init; }

    /// <summary>L2-normalise (default true).</summary>
    public bool? Normalize { get; init; }

    /// <summary>Cut texts over the model's limit; null takes the server's default (off, as in TEI).</summary>
    public bool? Truncate { get; init; }

    /// <summary><c>Right</c> (default) or <c>Left</c>; case-insensitive.</summary>
    public string? TruncationDirection { get; init; }

    /// <summary>Matryoshka dimensions (1..hidden size); null = all.</summary>
    public int? Dimensions { get; init; }

    /// <summary>A prompt configured for the model (<c>--prompt</c>), put before each text; unknown names are refused.</summary>
    public string? PromptName { get; init; }
}

/// <summary>OpenAI <c>POST /v1/embeddings</c> request.</summary>
public sealed record class OpenAIEmbeddingRequest
{
    /// <summary>The text or texts.</summary>
    public EmbeddingInputs? Input { get; init; }

    /// <summary>Which served text model embeds (unknown names are refused); echoed back.</summary>
    public string? Model { get; init; }

    /// <summary><c>float</c> (default) or <c>base64</c> (little-endian float32 bytes).</summary>
    public string? EncodingFormat { get; init; }

    /// <summary>Matryoshka dimensions (1..hidden size); null = all.</summary>
    public int? Dimensions { get; init; }

    /// <summary>Accepted and ignored, as OpenAI's end-user id.</summary>
    public string? User { get; init; }
}

/// <summary>One embedding of an OpenAI response.</summary>
public sealed record class OpenAIEmbedding
{
    /// <summary>Always <c>embedding</c>.</summary>
    public string Object { get; init; } = "embedding";

    /// <summary>The vector: numbers, or a base64 string for <c>encoding_format</c> base64.</summary>
    public required EmbeddingVector Embedding { get; init; }

    /// <summary>Index of the input.</summary>
    public int Index { get; init; }
}

/// <summary>Token counts of an OpenAI response.</summary>
/// <param name="PromptTokens">Tokens embedded (after truncation, special tokens included, as TEI counts).</param>
/// <param name="TotalTokens">The same: embeddings have no completion.</param>
public sealed record class OpenAIUsage(int PromptTokens, int TotalTokens);

/// <summary>OpenAI <c>POST /v1/embeddings</c> response.</summary>
public sealed record class OpenAIEmbeddingResponse
{
    /// <summary>Always <c>list</c>.</summary>
    public string Object { get; init; } = "list";

    /// <summary>One per input, in input order.</summary>
    public required IReadOnlyList<OpenAIEmbedding> Data { get; init; }

    /// <summary>The model name.</summary>
    public required string Model { get; init; }

    /// <summary>Token counts.</summary>
    public required OpenAIUsage Usage { get; init; }
}

/// <summary>TEI <c>POST /tokenize</c> request.</summary>
public sealed record class TokenizeRequest
{
    /// <summary>The text or texts.</summary>
    public EmbeddingInputs? Inputs { get; init; }

    /// <summary>Include <c>[CLS]</c>/<c>[SEP]</c> (default true).</summary>
    public bool? AddSpecialTokens { get; init; }
}

/// <summary>One token of a TEI <c>/tokenize</c> response.</summary>
/// <param name="Id">Vocabulary id.</param>
/// <param name="Text">The source text it covers (the token itself for special tokens).</param>
/// <param name="Special">Whether it is a special token.</param>
/// <param name="Start">UTF-8 byte offset of <see cref="Text"/> in the input (null for special tokens), as TEI.</param>
/// <param name="Stop">UTF-8 byte offset just after it (null for special tokens).</param>
public sealed record class TokenizedToken(int Id, string Text, bool Special, int? Start, int? Stop);

/// <summary>TEI's error body: <c>{"error": "...", "error_type": "..."}</c>.</summary>
/// <param name="Error">What was wrong.</param>
/// <param name="ErrorType"><c>empty</c>, <c>validation</c> or <c>tokenizer</c>.</param>
public sealed record class ErrorResponse(string Error, string ErrorType);
