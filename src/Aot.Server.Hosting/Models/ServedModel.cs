using System.Globalization;
using System.Text;
using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Server.Embeddings;
using Aot.Server.Metrics;

namespace Aot.Server.Models;

/// <summary>One loaded model version: its session, what the server derived from its signature, its batcher and metrics.</summary>
internal sealed class ServedModel : IDisposable
{
    public ServedModel(string name, long version, OnnxModel model, ServingSignature signature, DynamicBatcher batcher, ModelMetrics metrics)
    {
        Name = name;
        Version = version;
        VersionText = version.ToString(CultureInfo.InvariantCulture);
        Utf8Name = Encoding.UTF8.GetBytes(name);
        Model = model;
        Signature = signature;
        Batcher = batcher;
        Metrics = metrics;
    }

    public string Name { get; }

    public long Version { get; }

    public string VersionText { get; }

    public byte[] Utf8Name { get; }

    public OnnxModel Model { get; }

    public ServingSignature Signature { get; }

    public DynamicBatcher Batcher { get; }

    public ModelMetrics Metrics { get; }

    /// <summary>The effective per-model settings it was loaded with (<c>GET /v2/models/{name}/config</c>).</summary>
    public ModelSettings Settings { get; init; } = ModelSettings.Default;

    /// <summary>When this version was loaded (OpenAI's <c>created</c>).</summary>
    public long LoadedUnixSeconds { get; } = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>The model's text side (<c>/embed</c>, <c>/v1/embeddings</c>, <c>/tokenize</c>), when it is served with a tokenizer.</summary>
    public EmbeddingEndpoint? Embeddings { get; set; }

    /// <summary>The model's classification side (<c>/predict</c>, <c>/rerank</c>), when it is a text model with a <c>[batch, labels]</c> output.</summary>
    public Classification.ClassifierEndpoint? Classifier { get; set; }

    /// <summary>Set once the model has been warmed up and its workers started.</summary>
    public bool IsReady { get; set; }

    public void Dispose()
    {
        Batcher.Dispose();
        Embeddings?.Dispose();
        Model.Dispose();
    }
}
