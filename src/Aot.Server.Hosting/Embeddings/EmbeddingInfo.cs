using System.Buffers;
using System.Text.Json;
using Aot.Embeddings.Pooling;
using Aot.Server.Http;

namespace Aot.Server.Embeddings;

/// <summary>TEI's <c>GET /info</c> body for one text model, with the fields TEI's clients read.</summary>
internal static class EmbeddingInfo
{
    /// <summary>Starts an <c>/info</c> body, embedding or classifier: the model's identity, then the open <c>model_type</c> object.</summary>
    public static Utf8JsonWriter Start(ArrayBufferWriter<byte> buffer, string modelId)
    {
        var json = new Utf8JsonWriter(buffer, HttpJson.WriterOptions);
        json.WriteStartObject();
        json.WriteString("model_id", modelId);
        json.WriteNull("model_sha");
        json.WriteString("model_dtype", "float32");
        json.WriteStartObject("model_type");
        return json;
    }

    public static ArrayBufferWriter<byte> Write(EmbeddingEndpoint endpoint, IReadOnlyList<EmbeddingEndpoint> all)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using Utf8JsonWriter json = Start(buffer, endpoint.Served.Name);
        json.WriteStartObject("embedding");
        json.WriteString("pooling", endpoint.Model.Pooling == PoolingMode.Cls ? "cls" : "mean");
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteNumber("hidden_size", endpoint.Model.HiddenSize);
        json.WriteNumber("max_concurrent_requests", endpoint.Served.Batcher.Options.MaxQueue);
        json.WriteNumber("max_input_length", endpoint.Model.MaxSequenceLength);
        json.WriteNumber("max_batch_tokens", endpoint.MaxBatchTokens);
        json.WriteNumber("max_batch_requests", endpoint.Served.Batcher.Options.MaxBatchRows);
        json.WriteNumber("max_client_batch_size", endpoint.Service.Options.MaxClientBatchSize);
        json.WriteBoolean("auto_truncate", endpoint.Service.Options.AutoTruncate);
        json.WriteNumber("tokenization_workers", Environment.ProcessorCount);
        json.WriteStartObject("prompts");
        foreach ((string name, string text) in endpoint.Service.Options.Prompts.OrderBy(static p => p.Key, StringComparer.Ordinal))
        {
            json.WriteString(name, text);
        }

        json.WriteEndObject();
        json.WriteString("device", endpoint.ComputeType);
        json.WriteStartArray("models");
        foreach (EmbeddingEndpoint e in all)
        {
            json.WriteStringValue(e.Served.Name);
        }

        json.WriteEndArray();
        json.WriteString("version", typeof(EmbeddingInfo).Assembly.GetName().Version?.ToString() ?? "0");
        json.WriteEndObject();
        json.Flush();
        return buffer;
    }
}
