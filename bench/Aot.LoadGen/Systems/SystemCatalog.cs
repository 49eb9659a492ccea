using System.Globalization;
using Aot.LoadGen.Workloads;

namespace Aot.LoadGen.Systems;

/// <summary>
/// Every system the suite starts. Thread settings are the same for all: <c>threads</c> intra-op threads for the
/// one ONNX Runtime session (or PyTorch's intra-op pool), inter-op 1.
/// </summary>
internal sealed class SystemCatalog(BenchPaths paths, int threads)
{
    private string T => threads.ToString(CultureInfo.InvariantCulture);

    /// <summary>The folder of the int8 models (null: none).</summary>
    public string? Int8Directory => paths.Int8Directory;

    /// <summary>Aot, batching off (<c>--max-batch 1</c>): binary protocol, KServe V2 HTTP JSON and KServe V2 gRPC (raw contents).</summary>
    public SystemDefinition Aot => AotServer("aot", ["binary", "kserve-http", "grpc"], maxBatch: 1, maxDelayMicros: 0, servesEmbed: true);

    /// <summary>Aot, dynamic batching on (<c>--max-batch 32 --max-delay-us 0</c>): binary protocol.</summary>
    public SystemDefinition AotBatch => AotServer("aot-batch", ["binary"], maxBatch: 32, maxDelayMicros: 0);

    /// <summary>Aot, batching on with a 500 µs batching window (<c>--max-batch 32 --max-delay-us 500</c>).</summary>
    public SystemDefinition AotBatchDelay => AotServer("aot-batch-d500", ["binary"], maxBatch: 32, maxDelayMicros: 500);

    /// <summary>Aot serving the int8 model, batching off: binary protocol (tensors) and <c>/embed</c>.</summary>
    public SystemDefinition AotInt8 => AotServer("aot-int8", ["binary"], maxBatch: 1, maxDelayMicros: 0, servesEmbed: true, int8: true);

    /// <summary>The hand-written ASP.NET Core + ORT JSON service (bench/peers/aspnet).</summary>
    public SystemDefinition AspNet => new("aspnet-ort", "peer", ["peer-http"],
        (workload, model, ports) => new ServerLaunch(paths.AspNetPeer,
            ["--model", model, "--port", Port(ports.Http), "--threads", T],
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Logging__LogLevel__Default"] = "Warning" }),
        ports => Health(ports),
        new Dictionary<string, string>
        {
            ["stack"] = "ASP.NET Core minimal API (Kestrel, Sdk.Web defaults: Server GC), System.Text.Json, NamedOnnxValue + InferenceSession.Run",
            ["onnxruntime"] = "Microsoft.ML.OnnxRuntime 1.31.0 (CPU EP)",
            ["threads"] = $"intra-op {threads}, inter-op 1, one shared InferenceSession, graph optimisation all",
            ["batching"] = "none (one Run per request, concurrent Runs on the shared session)",
        });

    /// <summary>onnxruntime-node behind Node's http module (bench/peers/node); <c>/embed</c> with Hugging Face tokenizers.</summary>
    public SystemDefinition Node => NodeServer("node-ort", int8: false);

    /// <summary>The Node peer serving the same int8 file as <c>aot-int8</c> (onnxruntime-node runs the quantized graph as it is).</summary>
    public SystemDefinition NodeInt8 => NodeServer("node-int8", int8: true);

    private SystemDefinition NodeServer(string name, bool int8) => new(name, "peer", ["peer-http"],
        (workload, model, ports) => new ServerLaunch("node",
            [Path.Combine(paths.PeersDirectory, "node", "server.js"), "--model", model, "--port", Port(ports.Http), "--threads", T, .. VocabArguments(workload)],
            new Dictionary<string, string> { ["NODE_PATH"] = paths.NodeModules ?? "" }),
        ports => Health(ports),
        new Dictionary<string, string>
        {
            ["stack"] = "Node.js http module, JSON.parse / JSON.stringify, one InferenceSession, session.run per request",
            ["onnxruntime"] = "onnxruntime-node 1.30.0 (npm, CPU EP)",
            ["threads"] = $"intra-op {threads}, inter-op 1, graph optimisation all",
            ["batching"] = "none",
            ["embed"] = "POST /embed: Hugging Face tokenizers 0.23.2 (npm; the Rust library's Node binding) built from vocab.txt (BertNormalizer, BertPreTokenizer, WordPiece, BertProcessing), padded to the longest text, one session.run per request, mean pooling over the mask and L2 normalisation in JavaScript",
            ["model"] = int8 ? "int8 (aot quantize, bench/int8-models.sh)" : "fp32",
        },
        ServesEmbed: true,
        Int8: int8);

    /// <summary>PyTorch behind FastAPI/uvicorn from Debian packages (bench/peers/torch); <c>/embed</c> with a hand-written WordPiece.</summary>
    public SystemDefinition Torch => new("torch-fastapi", "peer", ["peer-http"],
        (workload, model, ports) => new ServerLaunch(paths.Python ?? "python3",
            [Path.Combine(paths.PeersDirectory, "torch", "server.py"), "--model", model, "--port", Port(ports.Http), "--threads", T, .. VocabArguments(workload)]),
        ports => Health(ports),
        new Dictionary<string, string>
        {
            ["stack"] = "FastAPI + uvicorn (1 worker process, sync endpoint in the thread pool), json body, torch.inference_mode",
            ["model"] = "the ONNX graph executed op by op with PyTorch ops (bench/peers/torch/onnx_torch.py); weights = the ONNX initializers",
            ["packages"] = "Debian bookworm: python3-torch 1.13.1, python3-fastapi 0.92, python3-uvicorn 0.17.6, python3-onnx 1.12",
            ["threads"] = $"torch.set_num_threads({threads}), set_num_interop_threads(1)",
            ["batching"] = "none",
            ["embed"] = "POST /embed: hand-written BERT WordPiece (bench/peers/torch/wordpiece.py; Debian bookworm has no python3-transformers or python3-tokenizers), padded to the longest text, the traced model, mean pooling over the mask, torch.nn.functional.normalize",
        },
        ServesEmbed: true);

    /// <summary>The transport floor: a TCP server answering each request frame with a frame as long as Aot's answer.</summary>
    public SystemDefinition Echo(int replyBytes) => new("tcp-echo", "floor", ["tcp-echo"],
        (workload, model, ports) =>
        {
            (string executable, string[] prefix) = BenchPaths.Self;
            return new ServerLaunch(executable, [.. prefix, "echo-server", "--port", Port(ports.Tcp), "--reply-bytes", replyBytes.ToString(CultureInfo.InvariantCulture)]);
        },
        _ => null,
        new Dictionary<string, string>
        {
            ["what"] = "loopback TCP (NoDelay), the binary protocol's request frame in, a frame of the size of Aot's answer out, no parsing or compute",
        });

    // Rows per batch for Aot on the embedding workloads: aot serve's default.
    private const int EmbedMaxBatch = 32;

    private SystemDefinition AotServer(string name, string[] protocols, int maxBatch, int maxDelayMicros, bool servesEmbed = false, bool int8 = false) => new(name, "aot", protocols,
        (workload, model, ports) => new ServerLaunch(paths.AotServer,
        [
            "serve", "--model", $"{workload.Model}={model}", "--host", "127.0.0.1",
            "--http-port", Port(ports.Http), "--port", Port(ports.Tcp), "--grpc-port", Port(ports.Grpc), "--threads", T, "--workers", "1",
            // Text requests are served as a TEI server serves them, with batching on (the server's default): a request's
            // texts run in length groups and join other requests' batches; batching off would run each text alone.
            "--max-batch", (workload.IsEmbedding ? EmbedMaxBatch : maxBatch).ToString(CultureInfo.InvariantCulture),
            "--max-delay-us", maxDelayMicros.ToString(CultureInfo.InvariantCulture),
        ]),
        ports => new Uri($"http://127.0.0.1:{ports.Http}/v2/health/ready"),
        new Dictionary<string, string>
        {
            // A JIT build's apphost sits next to its aot.dll; a native-AOT publish is one file.
            ["build"] = File.Exists(Path.Combine(Path.GetDirectoryName(paths.AotServer) ?? ".", "aot.dll"))
                ? "JIT build (dotnet build -c Release)" : "native AOT publish",
            ["threads"] = $"--threads {threads} (ORT intra-op), --workers 1",
            ["batching"] = maxBatch == 1 ? "off (--max-batch 1)" : $"on (--max-batch {maxBatch} --max-delay-us {maxDelayMicros})",
            ["embed"] = servesEmbed ? $"POST /embed on the embedding workloads, with batching on there (--max-batch {EmbedMaxBatch}, the server's default; texts in length groups): Aot.Embeddings (WordPiece tokenizer, mean pooling, L2 normalisation), enabled by the vocab.txt next to the .onnx" : "not measured",
            ["model"] = int8 ? "int8 (aot quantize, bench/int8-models.sh)" : "fp32",
        },
        servesEmbed,
        int8);

    /// <summary><c>--vocab PATH</c> for an embedding workload (the model's vocab.txt, which turns the peer's <c>/embed</c> on).</summary>
    private static string[] VocabArguments(Workload workload) =>
        workload.IsEmbedding ? ["--vocab", global::Aot.Models.ModelStore.GetPath(workload.StoreName, "vocab.txt")] : [];

    private static Uri Health(Ports ports) => new($"http://127.0.0.1:{ports.Http}/health");

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
