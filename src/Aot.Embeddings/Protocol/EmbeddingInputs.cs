using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aot.Embeddings.Protocol;

/// <summary>
/// TEI's <c>inputs</c> / OpenAI's <c>input</c>: one string, an array of strings, or pre-tokenized input — an array of
/// token ids (one text) or an array of such arrays (OpenAI's and TEI's token-array forms).
/// </summary>
/// <param name="Texts">The texts, in order; empty when the input was token ids.</param>
/// <param name="IsBatch">Whether the JSON held an array of inputs (even of one).</param>
[JsonConverter(typeof(EmbeddingInputsConverter))]
public sealed record class EmbeddingInputs(IReadOnlyList<string> Texts, bool IsBatch)
{
    /// <summary>Token ids per input, used as given (no <c>[CLS]</c>/<c>[SEP]</c> added); null when the input was text.</summary>
    public IReadOnlyList<int[]>? TokenIds { get; init; }

    /// <summary>How many inputs: texts or token-id rows.</summary>
    public int Count => TokenIds?.Count ?? Texts.Count;
}

/// <summary>Reads a string, an array of strings, an array of ints or an array of arrays of ints; anything else is a <see cref="JsonException"/> saying so.</summary>
internal sealed class EmbeddingInputsConverter : JsonConverter<EmbeddingInputs>
{
    internal const string ShapeMessage = "must be a string, an array of strings, an array of token ids or an array of arrays of token ids";

    public override EmbeddingInputs Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
            return new EmbeddingInputs([reader.GetString()!], IsBatch: false);
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException(ShapeMessage);
        if (!reader.Read())
            throw new JsonException(ShapeMessage);
        switch (reader.TokenType)
        {
            case JsonTokenType.EndArray:
                return new EmbeddingInputs([], IsBatch: true);
            case JsonTokenType.Number:
                return new EmbeddingInputs([], IsBatch: false) { TokenIds = [ReadIds(ref reader)] };
            case JsonTokenType.StartArray:
                var rows = new List<int[]>();
                do
                {
                    if (reader.TokenType != JsonTokenType.StartArray || !reader.Read())
                        throw new JsonException(ShapeMessage);
                    rows.Add(ReadIds(ref reader));
                }
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray);
                return new EmbeddingInputs([], IsBatch: true) { TokenIds = rows };
            default:
                var texts = new List<string>();
                do
                {
                    if (reader.TokenType != JsonTokenType.String)
                        throw new JsonException(ShapeMessage);
                    texts.Add(reader.GetString()!);
                }
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray);
                return new EmbeddingInputs(texts, IsBatch: true);
        }
    }

    /// <summary>Reads ints from the first one (the reader is on it, or on an empty array's end) to the array's end.</summary>
    internal static int[] ReadIds(ref Utf8JsonReader reader)
    {
        var ids = new List<int>();
        for (; reader.TokenType != JsonTokenType.EndArray; reader.Read())
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out int id))
                throw new JsonException(ShapeMessage);
            ids.Add(id);
        }

        return [.. ids];
    }

    public override void Write(Utf8JsonWriter writer, EmbeddingInputs value, JsonSerializerOptions options)
    {
        if (value.TokenIds is { } rows)
        {
            if (value.IsBatch)
                writer.WriteStartArray();
            foreach (int[] row in rows)
            {
                writer.WriteStartArray();
                foreach (int id in row)
                    writer.WriteNumberValue(id);
                writer.WriteEndArray();
            }

            if (value.IsBatch)
                writer.WriteEndArray();
            return;
        }

        if (!value.IsBatch && value.Texts.Count == 1)
        {
            writer.WriteStringValue(value.Texts[0]);
            return;
        }

        writer.WriteStartArray();
        foreach (string text in value.Texts)
            writer.WriteStringValue(text);
        writer.WriteEndArray();
    }
}
