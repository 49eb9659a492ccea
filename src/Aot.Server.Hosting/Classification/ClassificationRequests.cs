using System.Text.Json;
using Aot.Embeddings.Protocol;
using Aot.Embeddings.Tokenization;

namespace Aot.Server.Classification;

/// <summary>A parsed <c>/predict</c> body: its rows (texts or pairs) and whether it was a batch (a list of lists answers).</summary>
internal sealed record class PredictRequest(List<(string First, string? Second)> Rows, bool IsBatch, bool RawScores, bool? Truncate, TruncationDirection Direction);

/// <summary>A parsed <c>/rerank</c> body.</summary>
internal sealed record class RerankRequest(string Query, List<string> Texts, bool ReturnText, bool RawScores, bool? Truncate, TruncationDirection Direction);

/// <summary>
/// Parses TEI's <c>/predict</c> and <c>/rerank</c> bodies. Their <c>inputs</c> is a union (a text, a pair, or a batch of
/// either) that a typed contract cannot express, so they are read with <see cref="JsonDocument"/>, which needs no
/// reflection (trim- and AOT-safe). Refusals are TEI's: 400 for malformed JSON or empty input, 422 for a wrong shape.
/// </summary>
internal static class ClassificationRequests
{
    public static PredictRequest ParsePredict(ReadOnlySpan<byte> body, int maxBatch)
    {
        using JsonDocument document = Parse(body);
        JsonElement root = document.RootElement;
        if (!root.TryGetProperty("inputs", out JsonElement inputs))
            throw Shape("missing field `inputs`");
        var rows = new List<(string, string?)>();
        bool batch = inputs.ValueKind == JsonValueKind.Array && inputs.GetArrayLength() > 0 && inputs[0].ValueKind == JsonValueKind.Array;
        if (batch)
        {
            foreach (JsonElement sequence in inputs.EnumerateArray())
                rows.Add(Sequence(sequence));
        }
        else if (inputs.ValueKind == JsonValueKind.Array && inputs.GetArrayLength() == 0)
        {
            throw new EmbeddingRequestException(400, "empty", "`inputs` cannot be empty");
        }
        else
        {
            rows.Add(Sequence(inputs));
        }

        if (rows.Count > maxBatch)
            throw new EmbeddingRequestException(413, "validation", $"batch size {rows.Count} > maximum allowed batch size {maxBatch}");
        return new PredictRequest(rows, batch, Bool(root, "raw_scores") ?? false, Bool(root, "truncate"), Direction(root));
    }

    public static RerankRequest ParseRerank(ReadOnlySpan<byte> body, int maxBatch)
    {
        using JsonDocument document = Parse(body);
        JsonElement root = document.RootElement;
        if (!root.TryGetProperty("query", out JsonElement query) || query.ValueKind != JsonValueKind.String)
            throw Shape("`query` must be a string");
        if (!root.TryGetProperty("texts", out JsonElement texts) || texts.ValueKind != JsonValueKind.Array)
            throw Shape("`texts` must be an array of strings");
        var list = new List<string>(texts.GetArrayLength());
        foreach (JsonElement text in texts.EnumerateArray())
            list.Add(text.ValueKind == JsonValueKind.String ? text.GetString()! : throw Shape("`texts` must be an array of strings"));
        if (list.Count == 0)
            throw new EmbeddingRequestException(400, "empty", "`texts` cannot be empty");
        if (list.Count > maxBatch)
            throw new EmbeddingRequestException(413, "validation", $"batch size {list.Count} > maximum allowed batch size {maxBatch}");
        if (query.GetString()!.Length == 0 || list.Exists(static t => t.Length == 0))
            throw new EmbeddingRequestException(400, "empty", "`query` and `texts` cannot hold empty strings");
        return new RerankRequest(query.GetString()!, list, Bool(root, "return_text") ?? false, Bool(root, "raw_scores") ?? false, Bool(root, "truncate"), Direction(root));
    }

    /// <summary>One sequence: a text, or a list of one text or two (a pair), as TEI's <c>Sequence</c>.</summary>
    private static (string, string?) Sequence(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.String)
            return (NonEmpty(element.GetString()!), null);
        if (element.ValueKind != JsonValueKind.Array)
            throw Shape("`inputs` must be a string, a pair of strings, or a list of those");
        int count = element.GetArrayLength();
        if (count is < 1 or > 2)
            throw new EmbeddingRequestException(count == 0 ? 400 : 422, count == 0 ? "empty" : "tokenizer",
                $"a sequence has one text or two (a pair); one has {count}");
        foreach (JsonElement text in element.EnumerateArray())
        {
            if (text.ValueKind != JsonValueKind.String)
                throw Shape("`inputs` must be a string, a pair of strings, or a list of those");
        }

        return count == 1 ? (NonEmpty(element[0].GetString()!), null) : (NonEmpty(element[0].GetString()!), NonEmpty(element[1].GetString()!));
    }

    private static string NonEmpty(string text) =>
        text.Length > 0 ? text : throw new EmbeddingRequestException(400, "empty", "`inputs` cannot be empty");

    private static bool? Bool(JsonElement root, string name) =>
        !root.TryGetProperty(name, out JsonElement value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw Shape($"`{name}` must be a boolean");

    private static TruncationDirection Direction(JsonElement root) =>
        !root.TryGetProperty("truncation_direction", out JsonElement value) || value.ValueKind == JsonValueKind.Null ? TruncationDirection.Right
        : value.ValueKind == JsonValueKind.String && string.Equals(value.GetString(), "left", StringComparison.OrdinalIgnoreCase) ? TruncationDirection.Left
        : value.ValueKind == JsonValueKind.String && string.Equals(value.GetString(), "right", StringComparison.OrdinalIgnoreCase) ? TruncationDirection.Right
        : throw Shape("`truncation_direction` must be \"Left\" or \"Right\"");

    private static JsonDocument Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            JsonDocument document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw Shape("the body must be a JSON object");
            }

            return document;
        }
        catch (JsonException ex)
        {
            throw new EmbeddingRequestException(400, "validation", $"The body is not valid JSON: {ex.Message}", ex);
        }
    }

    private static EmbeddingRequestException Shape(string message) => new(422, "tokenizer", message);
}
