using System.Text.Json;
using System.Text.Json.Serialization;

namespace Aot.Embeddings.Protocol;

/// <summary>TEI <c>POST /decode</c> request: token ids back to text.</summary>
public sealed record class DecodeRequest
{
    /// <summary>One sequence (<c>[1, 2]</c>) or several (<c>[[1, 2], [3]]</c>).</summary>
    [JsonConverter(typeof(TokenIdRowsConverter))]
    public IReadOnlyList<int[]>? Ids { get; init; }

    /// <summary>Leave out <c>[CLS]</c>, <c>[SEP]</c>, <c>[PAD]</c>, <c>[UNK]</c>, <c>[MASK]</c> (default true, as TEI).</summary>
    public bool? SkipSpecialTokens { get; init; }
}

/// <summary>Reads an array of ints (one row) or an array of arrays of ints.</summary>
internal sealed class TokenIdRowsConverter : JsonConverter<IReadOnlyList<int[]>>
{
    public override IReadOnlyList<int[]> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        EmbeddingInputs inputs = new EmbeddingInputsConverter().Read(ref reader, typeof(EmbeddingInputs), options);
        if (inputs.TokenIds is { } rows)
            return rows;
        if (inputs.Texts.Count == 0)
            return [];
        throw new JsonException(EmbeddingInputsConverter.ShapeMessage);
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<int[]> value, JsonSerializerOptions options) =>
        new EmbeddingInputsConverter().Write(writer, new EmbeddingInputs([], IsBatch: true) { TokenIds = value }, options);
}
