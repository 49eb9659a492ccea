using System.Text.Json.Serialization;
using Aot.Server.Http;
using Aot.Server.Models;

namespace Aot.Server;

/// <summary>
/// The server's fixed JSON documents (metadata, errors), serialized by generated code: no reflection, native-AOT clean.
/// Written through the caller's <see cref="System.Text.Json.Utf8JsonWriter"/>, so its escaping options apply.
/// </summary>
[JsonSourceGenerationOptions(
    GenerationMode = JsonSourceGenerationMode.Serialization,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ServerMetadata))]
[JsonSerializable(typeof(ModelMetadataDocument))]
[JsonSerializable(typeof(ErrorDocument))]
internal sealed partial class ServerJsonContext : JsonSerializerContext;
