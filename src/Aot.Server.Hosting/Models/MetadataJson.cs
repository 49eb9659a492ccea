using System.Text.Json;
using Aot.Runtime;

namespace Aot.Server.Models;

/// <summary>
/// The metadata documents of the Open Inference Protocol (KServe V2), serialized by <see cref="ServerJsonContext"/>
/// (generated code, AOT-safe). The binary protocol's MetadataResponse carries the same documents.
/// </summary>
internal static class MetadataJson
{
    public const string ServerName = "aot";

    /// <summary>The <c>platform</c> of every model (KServe's name for ONNX Runtime).</summary>
    public const string Platform = "onnxruntime_onnx";

    public static string ServerVersion { get; } = typeof(MetadataJson).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary><c>GET /v2</c>: name, version, extensions; plus the models and their readiness.</summary>
    public static void WriteServer(Utf8JsonWriter json, ModelRepository repository) =>
        JsonSerializer.Serialize(
            json,
            new ServerMetadata(
                ServerName,
                ServerVersion,
                ["binary_tensor_data"],
                [.. repository.All.Select(static m => new ModelState(m.Name, m.VersionText, m.IsReady ? "READY" : "UNAVAILABLE"))]),
            ServerJsonContext.Default.ServerMetadata);

    /// <summary><c>GET /v2/models/{m}</c>: name, versions, platform, inputs and outputs (-1 for dynamic dimensions).</summary>
    public static void WriteModel(Utf8JsonWriter json, ServedModel model, IReadOnlyList<ServedModel> versions)
    {
        ModelMetadata metadata = model.Model.Metadata;
        var document = new ModelMetadataDocument(
            model.Name,
            [.. versions.Select(static v => v.VersionText)],
            Platform,
            Tensors(model.Signature.Inputs),
            Tensors(model.Signature.Outputs),
            new ModelParameters(
                model.VersionText,
                model.Model.Device.ToString().ToLowerInvariant(),
                model.Signature.IsBatchable,
                model.Signature.IsBatchable ? model.Batcher.Options.MaxBatchRows : 0,
                NullIfEmpty(metadata.ProducerName),
                NullIfEmpty(metadata.GraphName),
                NullIfEmpty(metadata.Description)));
        JsonSerializer.Serialize(json, document, ServerJsonContext.Default.ModelMetadataDocument);
    }

    private static TensorMetadata[] Tensors(ServingTensor[] tensors) =>
        [.. tensors.Select(static t => new TensorMetadata(t.Name, t.DataTypeName, t.MetadataShape))];

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
