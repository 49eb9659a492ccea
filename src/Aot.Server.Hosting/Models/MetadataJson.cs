using System.Text.Json;
using Aot.Runtime;

namespace Aot.Server.Models;

/// <summary>
/// The metadata documents of the Open Inference Protocol (KServe V2), written with <see cref="Utf8JsonWriter"/>
/// (no reflection, AOT-safe). The binary protocol's MetadataResponse carries the same documents.
/// </summary>
internal static class MetadataJson
{
    public const string ServerName = "aot";

    public static string ServerVersion { get; } = typeof(MetadataJson).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <summary><c>GET /v2</c>: name, version, extensions; plus the models and their readiness.</summary>
    public static void WriteServer(Utf8JsonWriter json, ModelRepository repository)
    {
        json.WriteStartObject();
        json.WriteString("name", ServerName);
        json.WriteString("version", ServerVersion);
        json.WriteStartArray("extensions");
        json.WriteStringValue("binary_tensor_data");
        json.WriteEndArray();
        json.WriteStartArray("models");
        foreach (ServedModel model in repository.All)
        {
            json.WriteStartObject();
            json.WriteString("name", model.Name);
            json.WriteString("version", model.VersionText);
            json.WriteString("state", model.IsReady ? "READY" : "UNAVAILABLE");
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary><c>GET /v2/models/{m}</c>: name, versions, platform, inputs and outputs (-1 for dynamic dimensions).</summary>
    public static void WriteModel(Utf8JsonWriter json, ServedModel model, IReadOnlyList<ServedModel> versions)
    {
        json.WriteStartObject();
        json.WriteString("name", model.Name);
        json.WriteStartArray("versions");
        foreach (ServedModel version in versions)
        {
            json.WriteStringValue(version.VersionText);
        }

        json.WriteEndArray();
        json.WriteString("platform", "onnxruntime_onnx");
        WriteTensors(json, "inputs", model.Signature.Inputs);
        WriteTensors(json, "outputs", model.Signature.Outputs);
        json.WriteStartObject("parameters");
        json.WriteString("version", model.VersionText);
        json.WriteString("device", model.Model.Device.ToString().ToLowerInvariant());
        json.WriteBoolean("batchable", model.Signature.IsBatchable);
        json.WriteNumber("max_batch_size", model.Signature.IsBatchable ? model.Batcher.Options.MaxBatchRows : 0);
        ModelMetadata metadata = model.Model.Metadata;
        WriteIfSet(json, "producer", metadata.ProducerName);
        WriteIfSet(json, "graph_name", metadata.GraphName);
        WriteIfSet(json, "description", metadata.Description);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteTensors(Utf8JsonWriter json, string name, ServingTensor[] tensors)
    {
        json.WriteStartArray(name);
        foreach (ServingTensor tensor in tensors)
        {
            json.WriteStartObject();
            json.WriteString("name", tensor.Name);
            json.WriteString("datatype", tensor.DataTypeName);
            json.WriteStartArray("shape");
            foreach (Dimension dim in tensor.Dims)
            {
                json.WriteNumberValue(dim.IsFixed ? dim.Value : -1);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteIfSet(Utf8JsonWriter json, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            json.WriteString(name, value);
        }
    }
}
