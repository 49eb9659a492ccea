using System.Text.Json.Serialization;

namespace Aot.Embeddings.Protocol;

/// <summary>
/// Source-generated (AOT- and trim-safe) System.Text.Json metadata for every embedding contract, snake_case as
/// TEI and OpenAI spell them. The server serialises with <c>EmbeddingsJsonContext.Default.X</c>.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = false,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(EmbedRequest))]
[JsonSerializable(typeof(OpenAIEmbeddingRequest))]
[JsonSerializable(typeof(TokenizeRequest))]
[JsonSerializable(typeof(OpenAIEmbeddingResponse))]
[JsonSerializable(typeof(float[][]))]
[JsonSerializable(typeof(List<List<TokenizedToken>>))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(DecodeRequest))]
[JsonSerializable(typeof(List<string>))]
[JsonSerializable(typeof(float[][][]))]
[JsonSerializable(typeof(OpenAIErrorResponse))]
[JsonSerializable(typeof(OpenAIModelList))]
[JsonSerializable(typeof(OpenAIModel))]
public sealed partial class EmbeddingsJsonContext : JsonSerializerContext;
