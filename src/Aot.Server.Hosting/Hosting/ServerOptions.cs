using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Server.Models;

namespace Aot.Server.Hosting;

/// <summary>Everything <c>aot serve</c> is configured with (one property per CLI option).</summary>
internal sealed record class ServerOptions
{
    public const long DefaultMaxPayloadBytes = 64L << 20;

    public IReadOnlyList<string> Models { get; init; } = [];

    public string? Repository { get; init; }

    /// <summary><c>NAME=FILE</c>: the <c>config.json</c> of a <c>--model</c> model (repository models have theirs in <c>DIR/&lt;name&gt;/</c>).</summary>
    public IReadOnlyList<string> Configs { get; init; } = [];

    /// <summary>Which versions of a repository model to serve when its config.json has no <c>version_policy</c>.</summary>
    public VersionPolicy VersionPolicy { get; init; } = VersionPolicy.Latest(1);

    /// <summary>How the repository changes while serving: none (read once), poll (watch it), explicit (repository API).</summary>
    public ModelControlMode ModelControl { get; init; } = ModelControlMode.None;

    /// <summary>Seconds between two scans of the repository with <c>--model-control poll</c>.</summary>
    public int PollSeconds { get; init; } = 5;

    /// <summary>
    /// With <c>--model-control explicit</c>: the repository models loaded at start (<c>*</c> or none given: all of them);
    /// the others wait for <c>POST /v2/repository/models/{m}/load</c>.
    /// </summary>
    public IReadOnlyList<string> LoadModels { get; init; } = [];

    /// <summary>
    /// The config-file keys (<see cref="ModelConfigFile.Keys"/>, <c>text.*</c> for the text ones) whose command-line flag
    /// was given: those override every model's config file. The other flags' values are only the defaults under the files.
    /// </summary>
    public IReadOnlySet<string> GivenOnCommandLine { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Address to bind TCP listeners to.</summary>
    public string Host { get; init; } = "0.0.0.0";

    public int HttpPort { get; init; } = 8000;

    /// <summary>Binary protocol TCP port; 0 turns the TCP listener off.</summary>
    public int Port { get; init; } = 8001;

    public string? UnixSocket { get; init; }

    /// <summary>gRPC port (KServe V2 GRPCInferenceService, grpc.health.v1), HTTP/2 only; 0 turns the listener off.</summary>
    public int GrpcPort { get; init; } = 8002;

    /// <summary>PEM certificate (chain) for TLS on the HTTP and gRPC listeners; with <see cref="TlsKey"/>.</summary>
    public string? TlsCertificate { get; init; }

    /// <summary>PEM private key of <see cref="TlsCertificate"/>.</summary>
    public string? TlsKey { get; init; }

    /// <summary>The binary protocol's TCP listener over TLS too, with <see cref="TlsCertificate"/> (the Unix socket stays plain).</summary>
    public bool TlsBinary { get; init; }

    /// <summary>A file of API keys, one a line (with <c>AOT_API_KEY</c>'s); none at all leaves every route open.</summary>
    public string? ApiKeyFile { get; init; }

    /// <summary>Seconds between looks at <see cref="ApiKeyFile"/> for changed keys (0: only on SIGHUP).</summary>
    public int ApiKeyReloadSeconds { get; init; } = 10;

    /// <summary>Health routes (HTTP <c>/v2/health/*</c>, <c>/health</c>, gRPC health) need the key too.</summary>
    public bool AuthHealth { get; init; }

    /// <summary>Most open connections on all listeners together; 0 = no limit.</summary>
    public long MaxConnections { get; init; } = 4096;

    /// <summary>Longest time a client may take to send an HTTP request's headers.</summary>
    public int RequestHeadersTimeoutSeconds { get; init; } = 10;

    /// <summary>Longest an HTTP connection may stay idle between requests.</summary>
    public int KeepAliveTimeoutSeconds { get; init; } = 130;

    /// <summary>Slowest HTTP request body accepted, in bytes a second after a 5 s grace; 0 = no minimum.</summary>
    public double MinRequestBodyBytesPerSecond { get; init; } = 240;

    /// <summary>Longest a binary-protocol frame may take to arrive whole, from its first byte.</summary>
    public int FrameTimeoutSeconds { get; init; } = 30;

    public string Device { get; init; } = "cpu";

    /// <summary>CUDA arena limit in MiB per model; 0 = ONNX Runtime's default (no limit).</summary>
    public int CudaMemoryLimitMiB { get; init; }

    /// <summary>cuDNN convolution algorithm search: HEURISTIC, EXHAUSTIVE or DEFAULT.</summary>
    public string CudnnConvAlgoSearch { get; init; } = "HEURISTIC";

    /// <summary>Capture and replay CUDA graphs (fixed-shape models only).</summary>
    public bool CudaGraph { get; init; }

    /// <summary>TF32 tensor cores for float32 (ONNX Runtime's default).</summary>
    public bool CudaTf32 { get; init; } = true;

    /// <summary>CUDA: runners' host buffers in pinned (page-locked) memory (off: see CudaOptions.PinnedHostBuffers).</summary>
    public bool CudaPinnedBuffers { get; init; }

    public int Threads { get; init; }

    /// <summary>
    /// ONNX Runtime's CPU memory arena: <c>on</c> (default), <c>off</c>, or <c>auto</c> (off for text models only). Off
    /// gives memory back after a burst of long texts but made such batches 5–15× slower here, so it is opt-in.
    /// </summary>
    public string CpuArena { get; init; } = "on";

    public int Workers { get; init; } = 1;

    public int MaxBatch { get; init; } = 32;

    public int MaxDelayMicros { get; init; }

    public int MaxQueue { get; init; } = 1024;

    public long MaxPayloadBytes { get; init; } = DefaultMaxPayloadBytes;

    public bool PadSequences { get; init; }

    /// <summary>
    /// With padding (text models, <c>--pad-sequences</c>), most padded tokens per batch (TEI's <c>--max-batch-tokens</c>);
    /// null: 2048 on a CPU, 16384 on a GPU (<see cref="BatcherOptions.ForDevice"/>).
    /// </summary>
    public long? MaxBatchTokens { get; init; }

    /// <summary>Idle time after which a model gives back the memory its last burst grew (ms); 0 = keep it.</summary>
    public int ReleaseMemoryAfterIdleMs { get; init; } = 2000;

    public int DrainTimeoutSeconds { get; init; } = 30;

    /// <summary>Most requests one binary connection may have in flight; beyond it the server stops reading it.</summary>
    public int MaxInFlightPerConnection { get; init; } = Binary.BinaryProtocol.DefaultMaxInFlightPerConnection;

    /// <summary>Run a lone request on an idle model on the receiving thread (no worker hand-off); needs --max-delay-us 0.</summary>
    public bool InlineLoneRequests { get; init; } = true;

    /// <summary>Run connection code inline on socket completion threads (no thread-pool hand-offs); opt-in.</summary>
    public bool InlineIo { get; init; }

    /// <summary><c>NAME=VOCAB_PATH</c>: serve model NAME for text too (<c>/embed</c>, <c>/v1/embeddings</c>, <c>/tokenize</c>).</summary>
    public IReadOnlyList<string> Tokenizers { get; init; } = [];

    /// <summary><c>NAME=mean|cls</c>: pooling of a text model (mean by default).</summary>
    public IReadOnlyList<string> Poolings { get; init; } = [];

    /// <summary>Most texts in one embedding request (TEI's <c>--max-client-batch-size</c>).</summary>
    public int MaxClientBatchSize { get; init; } = 32;

    /// <summary>Cut texts longer than the model takes instead of refusing them (TEI's <c>--auto-truncate</c>).</summary>
    public bool AutoTruncate { get; init; }

    /// <summary>Most tokens per text, special tokens included.</summary>
    public int MaxInputLength { get; init; } = 512;

    /// <summary><c>MODEL:NAME=TEXT</c>: a prompt requests to MODEL may name in <c>prompt_name</c>.</summary>
    public IReadOnlyList<string> Prompts { get; init; } = [];

    /// <summary>A model's effective settings: each key from the command line if its flag was given, else from <paramref name="file"/>, else the flag's default.</summary>
    public ModelSettings SettingsFor(ModelConfig? file)
    {
        T Pick<T>(string key, T? fromFile, T fromFlag) where T : struct => fromFile is { } value && !GivenOnCommandLine.Contains(key) ? value : fromFlag;
        string PickText(string key, string? fromFile, string fromFlag) => fromFile is not null && !GivenOnCommandLine.Contains(key) ? fromFile : fromFlag;

        return new ModelSettings
        {
            ConfigPath = file?.Path,
            Device = PickText("device", file?.Device, Device),
            IntraOpThreads = Pick("intra_op_threads", file?.IntraOpThreads, Threads),
            InterOpThreads = file?.InterOpThreads ?? 0,
            Workers = Pick("workers", file?.Workers, Workers),
            MaxBatch = Pick("max_batch", file?.MaxBatch, MaxBatch),
            MaxDelayMicros = Pick("max_delay_us", file?.MaxDelayMicros, MaxDelayMicros),
            MaxQueue = Pick("max_queue", file?.MaxQueue, MaxQueue),
            PadSequences = Pick("pad_sequences", file?.PadSequences, PadSequences),
            MaxBatchTokens = file?.MaxBatchTokens is { } fileTokens && !GivenOnCommandLine.Contains("max_batch_tokens") ? fileTokens : MaxBatchTokens,
            ReleaseMemoryAfterIdleMs = ReleaseMemoryAfterIdleMs,
            OptimizationLevel = file?.OptimizationLevel ?? GraphOptimization.All,
            CpuArena = PickText("cpu_arena", file?.CpuArena, CpuArena),
            Warmup = file?.Warmup ?? true,
            InlineLoneRequests = Pick("inline_lone_requests", file?.InlineLoneRequests, InlineLoneRequests),
            VersionPolicy = file?.VersionPolicy,
        };
    }

    /// <summary>The batching of a model with no config file (compiled-in models).</summary>
    public BatcherOptions ToBatcherOptions() => SettingsFor(null).ToBatcherOptions();

    /// <summary>The session options shared by every model (CUDA, log); <see cref="ModelSettings.ToModelOptions"/> adds each model's own.</summary>
    public ModelOptions ToModelOptions(Action<string> log) => SettingsFor(null).ToModelOptions(new ModelOptions { Cuda = ToCudaOptions(), Log = log }, textModel: false);

    private CudaOptions ToCudaOptions()
    {
        try
        {
            return new CudaOptions
            {
                ConvAlgoSearch = CudnnConvAlgoSearch,
                EnableCudaGraph = CudaGraph,
                UseTf32 = CudaTf32,
                PinnedHostBuffers = CudaPinnedBuffers,
                GpuMemoryLimitBytes = CudaMemoryLimitMiB > 0 ? (long)CudaMemoryLimitMiB << 20 : null,
            };
        }
        catch (ArgumentException ex)
        {
            // Reported like every other bad flag: one line, exit code 1.
            throw new FormatException(ex.Message, ex);
        }
    }
}
