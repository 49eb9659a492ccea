using System.CommandLine;
using Aot.Server.Hosting;

namespace Aot.Server.Cli;

/// <summary><c>aot serve</c>: the options of <see cref="ServerOptions"/> and the action that runs the server.</summary>
internal static class ServeCommand
{
    public static Command Create() => Create(ServerHost.Run);

    /// <summary>The <c>serve</c> command with the same options, running <paramref name="run"/> (compiled-in models: Aot.Server.Hosting).</summary>
    public static Command Create(Func<ServerOptions, int> run)
    {
        var defaults = new ServerOptions();
        var models = new Option<string[]>("--model", "-m") { Description = "A model to serve, as NAME=PATH (repeatable). Served as version 1.", Arity = ArgumentArity.ZeroOrMore };
        var repository = new Option<string?>("--repository") { Description = "A model repository: DIR/<name>/<version>/model.onnx (highest version is the default)." };
        var configs = new Option<string[]>("--config") { Description = "The config.json of a --model model, as NAME=FILE (repeatable); repository models read DIR/<name>/config.json. Flags given on the command line override the file (docs/configuration.md).", Arity = ArgumentArity.ZeroOrMore };
        var versionPolicy = new Option<string>("--version-policy") { Description = "Versions of a repository model to serve when its config.json has no version_policy: latest, latest:N, all or specific:V1,V2 (docs/models.md).", DefaultValueFactory = _ => "latest:1" };
        var modelControl = new Option<string>("--model-control") { Description = "none: read the repository once; poll: watch it and load / unload versions as folders come and go; explicit: POST /v2/repository/models/{m}/load and /unload.", DefaultValueFactory = _ => "none" };
        modelControl.AcceptOnlyFromAmong("none", "poll", "explicit");
        var loadModels = new Option<string[]>("--load-model") { Description = "With --model-control explicit: load only this repository model at start (repeatable; '*' = all, the default); the others wait for POST /v2/repository/models/{m}/load." };
        var pollSecs = new Option<int>("--poll-secs") { Description = "With --model-control poll: seconds between two scans of the repository.", DefaultValueFactory = _ => defaults.PollSeconds };
        var host = new Option<string>("--host") { Description = "Address the TCP listeners bind to.", DefaultValueFactory = _ => defaults.Host };
        var httpPort = new Option<int>("--http-port") { Description = "HTTP port (KServe V2, TF Serving, /metrics).", DefaultValueFactory = _ => defaults.HttpPort };
        var port = new Option<int>("--port") { Description = "Binary protocol TCP port; 0 turns it off.", DefaultValueFactory = _ => defaults.Port };
        var grpcPort = new Option<int>("--grpc-port") { Description = "gRPC port (KServe V2 inference.GRPCInferenceService, grpc.health.v1, reflection; HTTP/2); 0 turns it off.", DefaultValueFactory = _ => defaults.GrpcPort };
        var tlsCert = new Option<string?>("--tls-cert") { Description = "PEM certificate file: serve HTTP and gRPC over TLS (with --tls-key); the binary protocol stays plain TCP unless --tls-binary." };
        var tlsKey = new Option<string?>("--tls-key") { Description = "PEM private key file of --tls-cert." };
        var tlsBinary = new Option<bool>("--tls-binary") { Description = "Serve the binary protocol's TCP port over TLS too, with --tls-cert (clients: AotConnectionOptions.Tls); the Unix socket stays plain." };
        var apiKeyReload = new Option<int>("--api-key-reload-secs") { Description = "Seconds between looks at --api-key-file: changed keys apply without a restart (SIGHUP reads it at once); 0 = only on SIGHUP.", DefaultValueFactory = _ => defaults.ApiKeyReloadSeconds };
        var apiKeyFile = new Option<string?>("--api-key-file") { Description = "File of API keys, one a line (several for rotation), required as 'Authorization: Bearer KEY' on HTTP and gRPC and by an Authenticate frame on the binary protocol; AOT_API_KEY (comma-separated) adds keys. Without any key every route is open." };
        var authHealth = new Option<bool>("--auth-health") { Description = "Health routes (/v2/health/*, /health, gRPC health) need the API key too (open by default, for probes)." };
        var maxConnections = new Option<long>("--max-connections") { Description = "Most open connections on all listeners together; beyond it new ones are refused. 0 = no limit.", DefaultValueFactory = _ => defaults.MaxConnections };
        var headersTimeout = new Option<int>("--request-headers-timeout-s") { Description = "Longest a client may take to send an HTTP request's headers before the connection is closed.", DefaultValueFactory = _ => defaults.RequestHeadersTimeoutSeconds };
        var keepAlive = new Option<int>("--keep-alive-timeout-s") { Description = "Longest an HTTP connection may stay idle between requests.", DefaultValueFactory = _ => defaults.KeepAliveTimeoutSeconds };
        var minBodyRate = new Option<double>("--min-request-body-rate") { Description = "Slowest HTTP request body accepted, in bytes a second (after a 5 s grace); slower ones get 408 and are closed. 0 = no minimum.", DefaultValueFactory = _ => defaults.MinRequestBodyBytesPerSecond };
        var frameTimeout = new Option<int>("--frame-timeout-s") { Description = "Longest a binary-protocol frame may take to arrive whole, from its first byte; a connection that stalls longer gets an error frame and is closed.", DefaultValueFactory = _ => defaults.FrameTimeoutSeconds };
        var unixSocket = new Option<string?>("--unix-socket") { Description = "Also serve the binary protocol on this Unix domain socket path." };
        var device = new Option<string>("--device") { Description = "cpu, cuda, cuda:N or auto (CUDA if it loads, else CPU).", DefaultValueFactory = _ => defaults.Device };
        var cudaMemLimit = new Option<int>("--cuda-mem-limit-mb") { Description = "CUDA: most MiB ONNX Runtime's GPU memory arena may hold per model; 0 = no limit.", DefaultValueFactory = _ => defaults.CudaMemoryLimitMiB };
        var convAlgoSearch = new Option<string>("--cudnn-conv-algo-search") { Description = "CUDA: HEURISTIC (picks at once, suits dynamic batches), EXHAUSTIVE (benchmarks every new shape) or DEFAULT.", DefaultValueFactory = _ => defaults.CudnnConvAlgoSearch };
        var cudaGraph = new Option<bool>("--cuda-graph") { Description = "CUDA: capture and replay the graph (models whose inputs all have fixed shapes only; start-up fails otherwise)." };
        var cudaPinned = new Option<bool>("--cuda-pinned-buffers") { Description = "CUDA: keep the runners' input and output buffers in pinned (page-locked) host memory (off by default: ONNX Runtime 1.31 fails runs bound to them).", DefaultValueFactory = _ => defaults.CudaPinnedBuffers };
        var cudaTf32 = new Option<bool>("--cuda-tf32") { Description = "CUDA: let float32 matrix products use TF32 tensor cores (faster, ~1e-3 relative error); false for IEEE float32.", DefaultValueFactory = _ => defaults.CudaTf32 };
        var threads = new Option<int>("--threads") { Description = "ONNX Runtime intra-op threads per session; 0 = one per physical core.", DefaultValueFactory = _ => defaults.Threads };
        var workers = new Option<int>("--workers") { Description = "Batch workers per model, each with its own runner and buffers.", DefaultValueFactory = _ => defaults.Workers };
        var maxBatch = new Option<int>("--max-batch") { Description = "Most rows (dimension 0) per batch; 1 turns batching off.", DefaultValueFactory = _ => defaults.MaxBatch };
        var maxDelay = new Option<int>("--max-delay-us") { Description = "How long a batch may wait for more requests (µs); 0 = run what is queued as soon as a worker is free.", DefaultValueFactory = _ => defaults.MaxDelayMicros };
        var maxQueue = new Option<int>("--max-queue") { Description = "Most queued requests per model; beyond it requests are refused at once (429).", DefaultValueFactory = _ => defaults.MaxQueue };
        var maxPayload = new Option<long>("--max-payload-bytes") { Description = "Largest HTTP body or binary frame payload accepted (413 beyond).", DefaultValueFactory = _ => defaults.MaxPayloadBytes };
        var pad = new Option<bool>("--pad-sequences") { Description = "Batch requests of different lengths in symbolic dimensions by padding with zeros; outputs are trimmed back." };
        var maxBatchTokens = new Option<long?>("--max-batch-tokens") { Description = "With padding (text models, --pad-sequences), most padded tokens in one batch: rows x the longest request's padded length; 0 = rows only. Default: 2048 on a CPU, 16384 (TEI's) on a GPU." };
        var releaseAfterIdle = new Option<int>("--release-memory-after-idle-ms") { Description = "Once a model has been idle this long after a burst, give back the memory ONNX Runtime's arenas grew to (one small run); 0 = keep it.", DefaultValueFactory = _ => defaults.ReleaseMemoryAfterIdleMs };
        var cpuArena = new Option<string>("--cpu-arena") { Description = "ONNX Runtime's CPU memory arena: on (fastest; keeps the memory of the largest batch), off (memory comes back after a burst, long batches run several times slower), or auto (off for text models only).", DefaultValueFactory = _ => defaults.CpuArena };
        cpuArena.AcceptOnlyFromAmong("auto", "on", "off");
        var drain = new Option<int>("--drain-timeout-s") { Description = "On SIGTERM / Ctrl-C, how long to let in-flight requests finish.", DefaultValueFactory = _ => defaults.DrainTimeoutSeconds };
        var maxInFlight = new Option<int>("--max-inflight-per-connection") { Description = "Most requests one binary connection may have in flight; beyond it the server stops reading that connection (backpressure).", DefaultValueFactory = _ => defaults.MaxInFlightPerConnection };
        var inlineIo = new Option<bool>("--inline-io") { Description = "Run connection code on the socket completion thread with no thread-pool hand-offs (lowest latency; a long inference then delays other connections on that thread)." };
        var tokenizers = new Option<string[]>("--tokenizer") { Description = "Serve model NAME for text too (POST /embed, /embed_all, /v1/embeddings, /tokenize, /decode), as NAME=VOCAB_PATH (repeatable). A vocab.txt next to a model's file does the same.", Arity = ArgumentArity.ZeroOrMore };
        var poolings = new Option<string[]>("--pooling") { Description = "Pooling of a text model, as NAME=mean|cls (repeatable; mean by default, cls for arctic-embed and BGE).", Arity = ArgumentArity.ZeroOrMore };
        var maxClientBatch = new Option<int>("--max-client-batch-size") { Description = "Most texts in one embedding request (413 beyond).", DefaultValueFactory = _ => defaults.MaxClientBatchSize };
        var autoTruncate = new Option<bool>("--auto-truncate") { Description = "Cut texts longer than --max-input-length instead of refusing them (a request's \"truncate\" overrides it)." };
        var maxInputLength = new Option<int>("--max-input-length") { Description = "Most tokens per text, [CLS] and [SEP] included.", DefaultValueFactory = _ => defaults.MaxInputLength };
        var prompts = new Option<string[]>("--prompt") { Description = "A prompt a text request may name in \"prompt_name\", as MODEL:NAME=TEXT (repeatable); TEXT is put before each input, as sentence-transformers' prompts.", Arity = ArgumentArity.ZeroOrMore };
        var inline = new Option<bool>("--inline-lone-requests") { Description = "Run a request that finds its model idle on the receiving thread instead of handing it to a batch worker (lower latency; only with --max-delay-us 0).", DefaultValueFactory = _ => defaults.InlineLoneRequests };

        var command = new Command("serve", "Serve ONNX models over HTTP (KServe V2, TF Serving), gRPC (KServe V2) and the binary protocol.")
        {
            models, repository, configs, versionPolicy, modelControl, loadModels, pollSecs, host, httpPort, port, grpcPort, tlsCert, tlsKey, tlsBinary, apiKeyFile, apiKeyReload, authHealth, maxConnections, headersTimeout, keepAlive, minBodyRate, frameTimeout, unixSocket, device, cudaMemLimit, convAlgoSearch, cudaGraph, cudaTf32, cudaPinned, threads, workers, maxBatch, maxDelay, maxQueue, maxPayload, pad, maxBatchTokens, releaseAfterIdle, cpuArena, drain, maxInFlight, inline, inlineIo,
            tokenizers, poolings, maxClientBatch, autoTruncate, maxInputLength, prompts,
        };
        // The per-model flags, by the config-file key they override (only when given: otherwise the file decides).
        (Option Option, string Key)[] perModel =
        [
            (device, "device"), (threads, "intra_op_threads"), (workers, "workers"), (maxBatch, "max_batch"), (maxDelay, "max_delay_us"),
            (maxQueue, "max_queue"), (pad, "pad_sequences"), (maxBatchTokens, "max_batch_tokens"), (cpuArena, "cpu_arena"),
            (inline, "inline_lone_requests"), (maxInputLength, "text.max_input_length"), (maxClientBatch, "text.max_client_batch_size"),
            (autoTruncate, "text.auto_truncate"),
        ];
        command.SetAction(result => CommandErrors.Run(() =>
        {
            var options = new ServerOptions
            {
                Models = result.GetValue(models) ?? [],
                Repository = result.GetValue(repository),
                Configs = result.GetValue(configs) ?? [],
                VersionPolicy = Models.VersionSelection.Parse(result.GetValue(versionPolicy)!),
                ModelControl = Enum.Parse<ModelControlMode>(result.GetValue(modelControl)!, ignoreCase: true),
                LoadModels = result.GetValue(loadModels) ?? [],
                PollSeconds = result.GetValue(pollSecs) >= 1 ? result.GetValue(pollSecs) : throw new FormatException($"--poll-secs {result.GetValue(pollSecs)}: give a number of seconds ≥ 1."),
                GivenOnCommandLine = perModel.Where(p => result.GetResult(p.Option) is { Implicit: false }).Select(static p => p.Key).ToHashSet(StringComparer.Ordinal),
                Host = result.GetValue(host)!,
                HttpPort = result.GetValue(httpPort),
                Port = result.GetValue(port),
                UnixSocket = result.GetValue(unixSocket),
                GrpcPort = result.GetValue(grpcPort),
                TlsCertificate = result.GetValue(tlsCert),
                TlsKey = result.GetValue(tlsKey),
                TlsBinary = result.GetValue(tlsBinary),
                ApiKeyFile = result.GetValue(apiKeyFile),
                ApiKeyReloadSeconds = result.GetValue(apiKeyReload) >= 0 ? result.GetValue(apiKeyReload) : throw new FormatException($"--api-key-reload-secs {result.GetValue(apiKeyReload)}: give 0 (only on SIGHUP) or a number of seconds."),
                AuthHealth = result.GetValue(authHealth),
                MaxConnections = result.GetValue(maxConnections),
                RequestHeadersTimeoutSeconds = result.GetValue(headersTimeout),
                KeepAliveTimeoutSeconds = result.GetValue(keepAlive),
                MinRequestBodyBytesPerSecond = result.GetValue(minBodyRate),
                FrameTimeoutSeconds = result.GetValue(frameTimeout),
                Device = result.GetValue(device)!,
                CudaMemoryLimitMiB = result.GetValue(cudaMemLimit),
                CudnnConvAlgoSearch = result.GetValue(convAlgoSearch)!,
                CudaGraph = result.GetValue(cudaGraph),
                CudaTf32 = result.GetValue(cudaTf32),
                CudaPinnedBuffers = result.GetValue(cudaPinned),
                Threads = result.GetValue(threads),
                Workers = result.GetValue(workers),
                MaxBatch = result.GetValue(maxBatch),
                MaxDelayMicros = result.GetValue(maxDelay),
                MaxQueue = result.GetValue(maxQueue),
                MaxPayloadBytes = result.GetValue(maxPayload),
                PadSequences = result.GetValue(pad),
                MaxBatchTokens = result.GetValue(maxBatchTokens),
                ReleaseMemoryAfterIdleMs = result.GetValue(releaseAfterIdle),
                CpuArena = result.GetValue(cpuArena)!,
                DrainTimeoutSeconds = result.GetValue(drain),
                MaxInFlightPerConnection = result.GetValue(maxInFlight),
                InlineLoneRequests = result.GetValue(inline),
                InlineIo = result.GetValue(inlineIo),
                Tokenizers = result.GetValue(tokenizers) ?? [],
                Poolings = result.GetValue(poolings) ?? [],
                MaxClientBatchSize = result.GetValue(maxClientBatch),
                AutoTruncate = result.GetValue(autoTruncate),
                MaxInputLength = result.GetValue(maxInputLength),
                Prompts = result.GetValue(prompts) ?? [],
            };
            return run(options);
        }));
        return command;
    }
}
