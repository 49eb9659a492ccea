using System.Text.Json.Serialization;

namespace Aot.Server.Models;

// The Open Inference Protocol (KServe V2) metadata documents. Property order is the order on the wire.

/// <summary><c>GET /v2</c>.</summary>
internal sealed record ServerMetadata(string Name, string Version, string[] Extensions, ModelState[] Models);

/// <summary>One model in <see cref="ServerMetadata"/>.</summary>
internal sealed record ModelState(string Name, string Version, string State);

/// <summary><c>GET /v2/models/{m}</c>.</summary>
internal sealed record ModelMetadataDocument(
    string Name,
    string[] Versions,
    string Platform,
    TensorMetadata[] Inputs,
    TensorMetadata[] Outputs,
    ModelParameters Parameters);

/// <summary>A tensor of <see cref="ModelMetadataDocument"/>; -1 marks a dynamic dimension.</summary>
internal sealed record TensorMetadata(string Name, [property: JsonPropertyName("datatype")] string DataType, long[] Shape);

/// <summary>Aot's own model facts; the producer, graph name and description only when the model sets them.</summary>
internal sealed record ModelParameters(
    string Version,
    string Device,
    bool Batchable,
    int MaxBatchSize,
    string? Producer,
    string? GraphName,
    string? Description);
