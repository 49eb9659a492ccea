using System.Globalization;
using System.Text;
using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Server.Embeddings;
using Aot.Server.Metrics;

namespace Aot.Server.Models;

/// <summary>
/// One loaded model version: its session, what the server derived from its signature, its batcher and metrics, its
/// state, and its leases — the requests that found it and have not finished. A version taken out of service is first
/// removed from the repository's snapshot, then <see cref="Retire"/>d (no new leases), and freed once
/// <see cref="IsDrained"/>: a request that found it always finishes on it.
/// </summary>
internal sealed class ServedModel : IDisposable
{
    // The high bit of the lease count: set once retired, so a lease taken after it fails and the caller looks again.
    private const int RetiredFlag = 1 << 30;
    private int _leases;
    private volatile ModelVersionState _state = ModelVersionState.Loading;

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

    /// <summary>The model file it was loaded from (null: compiled in).</summary>
    public string? SourcePath { get; init; }

    /// <summary>The <see cref="Models.SourceFingerprint"/> of the files it was loaded from (empty: not from a repository).</summary>
    public string Fingerprint { get; init; } = "";

    /// <summary>Seconds its load took, warm-up included (<c>aot_model_load_seconds</c>).</summary>
    public double LoadSeconds { get; set; }

    public ModelVersionState State
    {
        get => _state;
        set => _state = value;
    }

    /// <summary>Whether the model has been warmed up, its workers started, and it is not being unloaded.</summary>
    public bool IsReady
    {
        get => _state == ModelVersionState.Ready;
        set => _state = value ? ModelVersionState.Ready : ModelVersionState.Loading;
    }

    /// <summary>
    /// Takes a lease for one request (lock-free, no allocation); false once the version is retired — the caller then
    /// looks the model up again, in the snapshot that no longer holds this version. Every lease taken ends with
    /// <see cref="EndLease"/>.
    /// </summary>
    public bool TryLease()
    {
        if ((Interlocked.Increment(ref _leases) & RetiredFlag) == 0)
        {
            return true;
        }

        Interlocked.Decrement(ref _leases);
        return false;
    }

    public void EndLease() => Interlocked.Decrement(ref _leases);

    /// <summary>Refuses new leases (the version has left the snapshot); those held run to their end.</summary>
    public void Retire()
    {
        _state = ModelVersionState.Unloading;
        Interlocked.Or(ref _leases, RetiredFlag);
    }

    /// <summary>Requests holding a lease right now.</summary>
    public int Leases => Volatile.Read(ref _leases) & ~RetiredFlag;

    /// <summary>Retired and no request holds it: its batcher can stop and its memory go.</summary>
    public bool IsDrained => Volatile.Read(ref _leases) == RetiredFlag;

    public void Dispose()
    {
        Batcher.Dispose();
        Embeddings?.Dispose();
        Model.Dispose();
    }
}
