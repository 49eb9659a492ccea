using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aot.Embeddings.Protocol;

/// <summary>
/// One vector of an OpenAI response: written as a JSON array of numbers, or — for <c>encoding_format: base64</c> —
/// as the base64 of its little-endian float32 bytes (what OpenAI's clients decode; about 4× smaller than text).
/// </summary>
[JsonConverter(typeof(EmbeddingVectorConverter))]
public sealed class EmbeddingVector
{
    /// <summary>Wraps a vector.</summary>
    public EmbeddingVector(float[] values, bool base64)
    {
        ArgumentNullException.ThrowIfNull(values);
        Values = values;
        IsBase64 = base64;
    }

    /// <summary>The numbers.</summary>
    public float[] Values { get; }

    /// <summary>Whether it is written as base64.</summary>
    public bool IsBase64 { get; }

    /// <summary>The base64 form (little-endian float32).</summary>
    public string ToBase64() => Convert.ToBase64String(LittleEndianBytes());

    /// <summary>The float32 bytes as OpenAI's clients read them (the machine's own order, checked to be little-endian).</summary>
    internal ReadOnlySpan<byte> LittleEndianBytes()
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("base64 embeddings are little-endian float32; this machine is big-endian.");
        return MemoryMarshal.AsBytes(Values.AsSpan());
    }
}

internal sealed class EmbeddingVectorConverter : JsonConverter<EmbeddingVector>
{
    public override EmbeddingVector Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            byte[] bytes = Convert.FromBase64String(reader.GetString()!);
            return new EmbeddingVector(MemoryMarshal.Cast<byte, float>(bytes).ToArray(), base64: true);
        }

        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException("An embedding is an array of numbers or a base64 string.");
        var values = new List<float>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            values.Add(reader.GetSingle());
        return new EmbeddingVector([.. values], base64: false);
    }

    public override void Write(Utf8JsonWriter writer, EmbeddingVector value, JsonSerializerOptions options)
    {
        if (value.IsBase64)
        {
            // Base64 straight from the float bytes into the writer: no intermediate string.
            writer.WriteBase64StringValue(value.LittleEndianBytes());
            return;
        }

        writer.WriteStartArray();
        foreach (float v in value.Values)
            writer.WriteNumberValue(v);
        writer.WriteEndArray();
    }
}
