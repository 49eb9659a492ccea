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

    /// <summary>Parses a TEI <c>/decode</c> body.</summary>
    /// <inheritdoc cref="ParseEmbedRequest" path="/exception"/>
    public static DecodeRequest ParseDecodeRequest(ReadOnlySpan<byte> utf8Json) =>
        Parse(utf8Json, EmbeddingsJsonContext.Default.DecodeRequest);

    /// <summary>Validates and tokenizes a TEI <c>/embed</c> request, or with <paramref name="allTokens"/> an <c>/embed_all</c> one.</summary>
    /// <exception cref="EmbeddingRequestException">400 (empty, bad value, unknown prompt), 413 (too many texts, text too long), 422 (shape).</exception>
    public EmbeddingJob Prepare(EmbedRequest request, bool allTokens = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        EmbeddingInputs inputs = CheckInputs(request.Inputs, "inputs");
        TruncationDirection direction = request.TruncationDirection switch
        {
            null => TruncationDirection.Right,
            { } d when d.Equals("right", StringComparison.OrdinalIgnoreCase) => TruncationDirection.Right,
            { } d when d.Equals("left", StringComparison.OrdinalIgnoreCase) => TruncationDirection.Left,
            { } d => throw EmbeddingRequestException.Shape($"`truncation_direction` must be \"Left\" or \"Right\". Given: \"{d}\""),
        };
        int dimensions = CheckDimensions(request.Dimensions);
        string? prompt = FindPrompt(request.PromptName, inputs);
        return Tokenize(inputs, prompt, request.Truncate ?? Options.AutoTruncate, direction, request.Normalize ?? true, dimensions, base64: false, model: null, allTokens);
    }

    /// <summary>Validates and tokenizes an OpenAI <c>/v1/embeddings</c> request (always normalised, as OpenAI's vectors are).</summary>
    /// <inheritdoc cref="Prepare(EmbedRequest, bool)" path="/exception"/>
    public EmbeddingJob Prepare(OpenAIEmbeddingRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        EmbeddingInputs inputs = CheckInputs(request.Input, "input");
        bool base64 = request.EncodingFormat switch
        {
            null or "float" => false,
            "base64" => true,
            { } f => throw EmbeddingRequestException.Shape($"`encoding_format` must be \"float\" or \"base64\". Given: \"{f}\""),
        };
        int dimensions = CheckDimensions(request.Dimensions);
        return Tokenize(inputs, prompt: null, Options.AutoTruncate, TruncationDirection.Right, normalize: true, dimensions, base64, request.Model, allTokens: false);
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
        EmbeddingInputs inputs = CheckInputs(request.Inputs, "inputs");
        if (inputs.TokenIds is not null)
            throw EmbeddingRequestException.Shape("`inputs` must be a string or an array of strings");
        IReadOnlyList<string> texts = inputs.Texts;
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

    /// <summary>Answers a TEI <c>/decode</c> request: one string per id sequence.</summary>
    /// <exception cref="EmbeddingRequestException">400 (empty), 413 (too many sequences), 422 (shape, id outside the vocabulary).</exception>
    public List<string> Decode(DecodeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyList<int[]> rows = request.Ids ?? throw EmbeddingRequestException.Shape("missing field `ids`");
        if (rows.Count == 0)
            throw EmbeddingRequestException.Empty("`ids` cannot be empty");
        if (rows.Count > Options.MaxClientBatchSize)
            throw EmbeddingRequestException.Validation($"batch size {rows.Count} > maximum allowed batch size {Options.MaxClientBatchSize}");
        var texts = new List<string>(rows.Count);
        foreach (int[] row in rows)
        {
            CheckIds(row, "ids");
            texts.Add(WordPieceDecoder.Decode(Model.Tokenizer, row, request.SkipSpecialTokens ?? true));
        }

        return texts;
    }

    private EmbeddingJob Tokenize(EmbeddingInputs inputs, string? prompt, bool truncate, TruncationDirection direction, bool normalize, int dimensions, bool base64, string? model, bool allTokens)
    {
        int max = Model.MaxSequenceLength;
        int count = inputs.Count;
        // One block for every row: a request's ids live together and are freed together.
        var ids = new long[count * max];
        var rows = new ReadOnlyMemory<long>[count];
        for (int i = 0; i < count; i++)
        {
            Memory<long> slot = ids.AsMemory(i * max, max);
            rows[i] = inputs.TokenIds is { } given
                ? CopyIds(given[i], slot, truncate, direction)
                : Encode(prompt is null ? inputs.Texts[i] : prompt + inputs.Texts[i], slot, truncate, direction);
        }

        return new EmbeddingJob(rows, normalize, dimensions, base64, model, allTokens);
    }

    private ReadOnlyMemory<long> Encode(string text, Memory<long> slot, bool truncate, TruncationDirection direction)
    {
        try
        {
            return slot[..Model.Tokenizer.Encode(text, slot.Span, truncate, direction).Length];
        }
        catch (InputTooLongException e)
        {
            throw EmbeddingRequestException.Validation($"`inputs` must have less than {slot.Length} tokens. Given: {e.TokenCount}");
        }
    }

    /// <summary>Pre-tokenized input is used as given: no special tokens added, truncated like text when asked.</summary>
    private ReadOnlyMemory<long> CopyIds(int[] given, Memory<long> slot, bool truncate, TruncationDirection direction)
    {
        CheckIds(given, "inputs");
        ReadOnlySpan<int> kept = given;
        if (kept.Length > slot.Length)
        {
            if (!truncate)
                throw EmbeddingRequestException.Validation($"`inputs` must have less than {slot.Length} tokens. Given: {given.Length}");
            kept = direction == TruncationDirection.Right ? kept[..slot.Length] : kept[^slot.Length..];
        }

        Span<long> destination = slot.Span;
        for (int t = 0; t < kept.Length; t++)
            destination[t] = kept[t];
        return slot[..kept.Length];
    }

    private void CheckIds(int[] ids, string field)
    {
        if (ids.Length == 0)
            throw EmbeddingRequestException.Empty($"`{field}` cannot contain an empty list of token ids");
        int vocabulary = Model.Tokenizer.Vocabulary.Count;
        foreach (int id in ids)
        {
            if ((uint)id >= (uint)vocabulary)
                throw EmbeddingRequestException.Shape($"`{field}`: token id {id} is not in the vocabulary (0..{vocabulary - 1})");
        }
    }

    private string? FindPrompt(string? name, EmbeddingInputs inputs)
    {
        if (name is null)
            return null;
        if (!Options.Prompts.TryGetValue(name, out string? prompt))
        {
            string known = Options.Prompts.Count == 0 ? "none are configured" : "configured: " + string.Join(", ", Options.Prompts.Keys.Order(StringComparer.Ordinal));
            throw EmbeddingRequestException.BadValue($"`prompt_name` \"{name}\" is not a prompt of model '{Options.ModelName}' ({known})");
        }

        if (inputs.TokenIds is not null)
            throw EmbeddingRequestException.BadValue("`prompt_name` applies to text; token-id `inputs` are used as given");
        return prompt;
    }

    private EmbeddingInputs CheckInputs(EmbeddingInputs? inputs, string field)
    {
        if (inputs is null)
            throw EmbeddingRequestException.Shape($"missing field `{field}`");
        if (inputs.Count == 0)
            throw EmbeddingRequestException.Empty($"`{field}` cannot be empty");
        if (inputs.Count > Options.MaxClientBatchSize)
            throw EmbeddingRequestException.Validation($"batch size {inputs.Count} > maximum allowed batch size {Options.MaxClientBatchSize}");
        return inputs;
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
