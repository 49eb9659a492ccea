using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Aot.Embeddings.Tokenization;

namespace Aot.Embeddings.Protocol;

/// <summary>
/// Everything below HTTP for TEI's <c>/embed</c> and <c>/tokenize</c> and OpenAI's <c>/v1/embeddings</c>: parse
/// and validate a body, tokenize it into an <see cref="EmbeddingJob"/>, run it (or let the server's batcher run it),
/// and build the response object. Every refusal is an <see cref="EmbeddingRequestException"/> carrying its status.
/// Thread-safe.
/// </summary>
public sealed class EmbeddingService
{
    /// <summary>Creates the service over a model.</summary>
    public EmbeddingService(EmbeddingModel model, EmbeddingServiceOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        Options = options ?? new EmbeddingServiceOptions();
    }

    /// <summary>The model.</summary>
    public EmbeddingModel Model { get; }

    /// <summary>Limits and defaults.</summary>
    public EmbeddingServiceOptions Options { get; }

    /// <summary>Parses a TEI <c>/embed</c> body.</summary>
    /// <exception cref="EmbeddingRequestException">400 for malformed JSON, 422 for JSON of the wrong shape.</exception>
    public static EmbedRequest ParseEmbedRequest(ReadOnlySpan<byte> utf8Json) =>
        Parse(utf8Json, EmbeddingsJsonContext.Default.EmbedRequest);

    /// <summary>Parses an OpenAI <c>/v1/embeddings</c> body.</summary>
    /// <inheritdoc cref="ParseEmbedRequest" path="/exception"/>
    public static OpenAIEmbeddingRequest ParseOpenAIRequest(ReadOnlySpan<byte> utf8Json) =>
        Parse(utf8Json, EmbeddingsJsonContext.Default.OpenAIEmbeddingRequest);

    /// <summary>Parses a TEI <c>/tokenize</c> body.</summary>
    /// <inheritdoc cref="ParseEmbedRequest" path="/exception"/>
    public static TokenizeRequest ParseTokenizeRequest(ReadOnlySpan<byte> utf8Json) =>
        Parse(utf8Json, EmbeddingsJsonContext.Default.TokenizeRequest);

    /// <summary>Validates and tokenizes a TEI <c>/embed</c> request.</summary>
    /// <exception cref="EmbeddingRequestException">400 (empty, bad value), 413 (too many texts, text too long), 422 (shape).</exception>
    public EmbeddingJob Prepare(EmbedRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyList<string> texts = CheckTexts(request.Inputs, "inputs");
        TruncationDirection direction = request.TruncationDirection switch
        {
            null => TruncationDirection.Right,
            { } d when d.Equals("right", StringComparison.OrdinalIgnoreCase) => TruncationDirection.Right,
            { } d when d.Equals("left", StringComparison.OrdinalIgnoreCase) => TruncationDirection.Left,
            { } d => throw EmbeddingRequestException.Shape($"`truncation_direction` must be \"Left\" or \"Right\". Given: \"{d}\""),
        };
        int dimensions = CheckDimensions(request.Dimensions);
        return Tokenize(texts, request.Truncate ?? Options.AutoTruncate, direction, request.Normalize ?? true, dimensions, base64: false, model: null);
    }

    /// <summary>Validates and tokenizes an OpenAI <c>/v1/embeddings</c> request (always normalised, as OpenAI's vectors are).</summary>
    /// <inheritdoc cref="Prepare(EmbedRequest)" path="/exception"/>
    public EmbeddingJob Prepare(OpenAIEmbeddingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyList<string> texts = CheckTexts(request.Input, "input");
        bool base64 = request.EncodingFormat switch
        {
            null or "float" => false,
            "base64" => true,
            { } f => throw EmbeddingRequestException.Shape($"`encoding_format` must be \"float\" or \"base64\". Given: \"{f}\""),
        };
        int dimensions = CheckDimensions(request.Dimensions);
        return Tokenize(texts, Options.AutoTruncate, TruncationDirection.Right, normalize: true, dimensions, base64, request.Model);
    }

    /// <summary>Runs a job on the caller's runner (one model run) and returns its vectors.</summary>
    public float[][] Execute(EmbeddingJob job, EmbeddingRunner runner)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(runner);
        if (job.Rows.Count > 0)
        {
            runner.Run(job.Rows is ReadOnlyMemory<long>[] array ? array : [.. job.Rows]);
            job.PoolFrom(runner, firstRow: 0);
        }

        return job.Vectors;
    }

    /// <summary>The OpenAI response for a finished job.</summary>
    public OpenAIEmbeddingResponse CreateOpenAIResponse(EmbeddingJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        var data = new OpenAIEmbedding[job.Vectors.Length];
        for (int i = 0; i < data.Length; i++)
            data[i] = new OpenAIEmbedding { Embedding = new EmbeddingVector(job.Vectors[i], job.Base64), Index = i };
        return new OpenAIEmbeddingResponse
        {
            Data = data,
            Model = job.Model ?? Options.ModelName,
            Usage = new OpenAIUsage(job.PromptTokens, job.PromptTokens),
        };
    }

    /// <summary>Answers a TEI <c>/tokenize</c> request: per text, its tokens with UTF-8 byte offsets (as TEI).</summary>
    /// <exception cref="EmbeddingRequestException">400 (empty), 413 (too many texts), 422 (shape).</exception>
    public List<List<TokenizedToken>> Tokenize(TokenizeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyList<string> texts = CheckTexts(request.Inputs, "inputs");
        bool special = request.AddSpecialTokens ?? true;
        var result = new List<List<TokenizedToken>>(texts.Count);
        BertTokenizer tokenizer = Model.Tokenizer;
        foreach (string text in texts)
        {
            List<Token> tokens = tokenizer.Tokenize(text, special);
            int[] utf8Offsets = Utf8Offsets(text);
            result.Add(tokens.ConvertAll(t => t.IsSpecial
                ? new TokenizedToken(t.Id, tokenizer.Vocabulary.GetToken(t.Id), Special: true, Start: null, Stop: null)
                : new TokenizedToken(t.Id, text[t.Start..t.End], Special: false, utf8Offsets[t.Start], utf8Offsets[t.End])));
        }

        return result;
    }

    private EmbeddingJob Tokenize(IReadOnlyList<string> texts, bool truncate, TruncationDirection direction, bool normalize, int dimensions, bool base64, string? model)
    {
        int max = Model.MaxSequenceLength;
        // One block for every row: a request's ids live together and are freed together.
        var ids = new long[texts.Count * max];
        var rows = new ReadOnlyMemory<long>[texts.Count];
        for (int i = 0; i < texts.Count; i++)
        {
            Memory<long> slot = ids.AsMemory(i * max, max);
            try
            {
                rows[i] = slot[..Model.Tokenizer.Encode(texts[i], slot.Span, truncate, direction).Length];
            }
            catch (InputTooLongException e)
            {
                throw EmbeddingRequestException.Validation($"`inputs` must have less than {max} tokens. Given: {e.TokenCount}");
            }
        }

        return new EmbeddingJob(rows, normalize, dimensions, base64, model);
    }

    private IReadOnlyList<string> CheckTexts(EmbeddingInputs? inputs, string field)
    {
        if (inputs is null)
            throw EmbeddingRequestException.Shape($"missing field `{field}`");
        if (inputs.Texts.Count == 0)
            throw EmbeddingRequestException.Empty($"`{field}` cannot be empty");
        if (inputs.Texts.Count > Options.MaxClientBatchSize)
            throw EmbeddingRequestException.Validation($"batch size {inputs.Texts.Count} > maximum allowed batch size {Options.MaxClientBatchSize}");
        return inputs.Texts;
    }

    private int CheckDimensions(int? dimensions)
    {
        if (dimensions is { } d && (d < 1 || d > Model.HiddenSize))
            throw EmbeddingRequestException.BadValue($"`dimensions` must be between 1 and {Model.HiddenSize}. Given: {d}");
        return dimensions ?? Model.HiddenSize;
    }

    private static T Parse<T>(ReadOnlySpan<byte> utf8Json, JsonTypeInfo<T> typeInfo) where T : class
    {
        // Syntax first, so malformed JSON (400) is told apart from well-formed JSON of the wrong shape (422).
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            while (reader.Read())
            {
            }
        }
        catch (JsonException e)
        {
            throw EmbeddingRequestException.Syntax($"Invalid JSON: {e.Message}", e);
        }

        try
        {
            return JsonSerializer.Deserialize(utf8Json, typeInfo)
                ?? throw EmbeddingRequestException.Shape("The request body must be a JSON object.");
        }
        catch (JsonException e) when (e.Message == EmbeddingInputsConverter.ShapeMessage)
        {
            throw EmbeddingRequestException.Shape($"`{FieldOf(e.Path)}` {EmbeddingInputsConverter.ShapeMessage}", e);
        }
        catch (JsonException e)
        {
            throw EmbeddingRequestException.Shape(e.Path is { Length: > 2 } path
                ? $"`{FieldOf(path)}` has the wrong JSON type."
                : "The request body must be a JSON object.", e);
        }
    }

    private static string FieldOf(string? path) => path is null ? "inputs" : path.TrimStart('$', '.').Split('[', '.')[0];

    private static int[] Utf8Offsets(string text)
    {
        // utf8Offsets[i] = UTF-8 bytes before UTF-16 index i.
        var offsets = new int[text.Length + 1];
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            offsets[i + 1] = offsets[i] + (c < 0x80 ? 1 : c < 0x800 ? 2 : char.IsSurrogate(c) ? 2 : 3);
        }

        return offsets;
    }
}
