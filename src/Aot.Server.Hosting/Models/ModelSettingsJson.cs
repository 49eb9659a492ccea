using System.Text.Json;
using Aot.Server.Embeddings;

namespace Aot.Server.Models;

/// <summary>
/// Writes a model's effective settings as a <c>config.json</c> document (<c>GET /v2/models/{name}/config</c>): the same
/// keys <see cref="ModelConfigFile"/> reads, so the answer saved to a file is a valid config for the same model.
/// </summary>
internal static class ModelSettingsJson
{
    public static void Write(Utf8JsonWriter json, ModelSettings settings, EmbeddingSource? text)
    {
        json.WriteStartObject();
        json.WriteString("device", settings.Device);
        json.WriteNumber("intra_op_threads", settings.IntraOpThreads);
        json.WriteNumber("inter_op_threads", settings.InterOpThreads);
        json.WriteNumber("workers", settings.Workers);
        json.WriteNumber("max_batch", settings.MaxBatch);
        json.WriteNumber("max_delay_us", settings.MaxDelayMicros);
        json.WriteNumber("max_queue", settings.MaxQueue);
        json.WriteBoolean("pad_sequences", settings.PadSequences);
        if (settings.MaxBatchTokens is { } maxBatchTokens)
        {
            json.WriteNumber("max_batch_tokens", maxBatchTokens); // the effective budget of a served model (null: not resolved yet)
        }

        json.WriteString("optimization_level", ModelConfigFile.OptimizationName(settings.OptimizationLevel));
        json.WriteString("cpu_arena", settings.CpuArena);
        json.WriteBoolean("warmup", settings.Warmup);
        json.WriteBoolean("inline_lone_requests", settings.InlineLoneRequests);
        if (text is not null)
        {
            json.WriteStartObject("text");
            json.WriteString("tokenizer", text.VocabularyPath);
            json.WriteString("pooling", text.Pooling == Aot.Embeddings.Pooling.PoolingMode.Cls ? "cls" : "mean");
            json.WriteNumber("max_input_length", text.MaxInputLength);
            json.WriteNumber("max_client_batch_size", text.Service.MaxClientBatchSize);
            json.WriteBoolean("auto_truncate", text.Service.AutoTruncate);
            json.WriteStartObject("prompts");
            foreach (KeyValuePair<string, string> prompt in text.Service.Prompts)
            {
                json.WriteString(prompt.Key, prompt.Value);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        if (settings.VersionPolicy is { } policy)
        {
            json.WriteStartObject("version_policy");
            switch (policy.Kind)
            {
                case VersionPolicyKind.Latest:
                    json.WriteStartObject("latest");
                    json.WriteNumber("num_versions", policy.LatestCount);
                    json.WriteEndObject();
                    break;
                case VersionPolicyKind.All:
                    json.WriteStartObject("all");
                    json.WriteEndObject();
                    break;
                default:
                    json.WriteStartObject("specific");
                    json.WriteStartArray("versions");
                    foreach (long version in policy.Versions)
                    {
                        json.WriteNumberValue(version);
                    }

                    json.WriteEndArray();
                    json.WriteEndObject();
                    break;
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
    }
}
