using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aot.Embeddings.Protocol;

/// <summary>TEI's <c>inputs</c> / OpenAI's <c>input</c>: one string or an array of strings.</summary>
/// <param name="Texts">The texts, in order.</param>
/// <param name="IsBatch">Whether the JSON held an array (even of one).</param>
[JsonConverter(typeof(EmbeddingInputsConverter))]
public sealed record class EmbeddingInputs(IReadOnlyList<string> Texts, bool IsBatch);

/// <summary>Reads a string or an array of strings; anything else is a <see cref="JsonException"/> saying so.</summary>
internal sealed class EmbeddingInputsConverter : JsonConverter<EmbeddingInputs>
{
    internal const string ShapeMessage = "must be a string or an array of strings";

    public override EmbeddingInputs Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
            return new EmbeddingInputs([reader.GetString()!], IsBatch: false);
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException(ShapeMessage);
        var texts = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
                throw new JsonException(ShapeMessage); // token-id arrays (TEI accepts them) are not supported
            texts.Add(reader.GetString()!);
        }

        return new EmbeddingInputs(texts, IsBatch: true);
    }

    public override void Write(Utf8JsonWriter writer, EmbeddingInputs value, JsonSerializerOptions options)
    {
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
