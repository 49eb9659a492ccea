using System.Globalization;
using Aot.LoadGen.Systems;

namespace Aot.LoadGen.Soak;

/// <summary>
/// How one soak runs: the server and its limits, the checked clients per protocol, the sampling and waits.
/// The limits are what a production user would set: a bounded queue per model, so a saturated server answers
/// 429 at once instead of queueing without end, and a payload cap sized to the models served.
/// </summary>
internal sealed record SoakSettings(string AotServer, string OutputDirectory, double Minutes)
{
    /// <summary>KServe V2 HTTP clients (closed loop, one connection each).</summary>
    public int HttpClients { get; init; } = 16;

    /// <summary>Binary-protocol connections.</summary>
    public int BinaryConnections { get; init; } = 8;

    /// <summary>Requests each binary connection keeps in flight (pipelined).</summary>
    public int BinaryDepth { get; init; } = 8;

    /// <summary><c>/embed</c> clients (closed loop, one connection each).</summary>
    public int EmbedClients { get; init; } = 4;

    /// <summary>KServe V2 gRPC clients (closed loop, sharing one channel).</summary>
    public int GrpcClients { get; init; } = 4;

    /// <summary>The server's <c>--max-queue</c> per model: fewer than the tiny model's clients, so overload is reached and answered.</summary>
    public int MaxQueue { get; init; } = 48;

    /// <summary>The server's <c>--max-payload-bytes</c>.</summary>
    public long MaxPayloadBytes { get; init; } = 4L << 20;

    /// <summary>The fault clients that run beside the load (all of them by default).</summary>
    public IReadOnlyList<Faults.FaultClient> Faults { get; init; } = Soak.Faults.FaultRunner.All;

    public TimeSpan SampleEvery { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest wait after the load for fds and threads to come back to their idle counts.</summary>
    public TimeSpan IdleWait { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A well-formed request unanswered this long is lost.</summary>
    public TimeSpan LostAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Whether every criterion gates the exit code (false: only answers and health, for short CI runs).</summary>
    public bool GateAll { get; init; } = true;

    /// <summary>The server's command line on <paramref name="ports"/>.</summary>
    public ServerLaunch Launch(Ports ports) => new(AotServer,
    [
        "serve", "--model", $"tiny={Aot.Models.ModelStore.GetPath("tiny")}", "--model", $"minilm={Aot.Models.ModelStore.GetPath("minilm")}",
        "--tokenizer", $"minilm={Aot.Models.ModelStore.GetPath("minilm", "vocab.txt")}",
        "--host", "127.0.0.1", "--http-port", Number(ports.Http), "--port", Number(ports.Tcp), "--grpc-port", GrpcClients > 0 ? Number(ports.Grpc) : "0",
        "--max-queue", Number(MaxQueue), "--max-payload-bytes", Number(MaxPayloadBytes),
    ]);

    /// <summary>The checked clients in words, for the report.</summary>
    public IReadOnlyList<string> DescribeClients() =>
    [
        $"kserve-http: {HttpClients} closed-loop clients, POST /v2/models/tiny/infer (1 or 4 rows of 64 fixed rows), outputs checked against y = Relu(x · W + b) computed here",
        $"binary: {BinaryConnections} connections × {BinaryDepth} requests in flight, the same tiny requests and check",
        $"grpc: {GrpcClients} closed-loop clients on one channel, ModelInfer with the same tiny requests in raw_input_contents and the same check of raw_output_contents",
        $"embed-http: {EmbedClients} closed-loop clients, POST /embed with 1–{EmbedReference.MostTextsPerRequest} of 32 texts (8–256 tokens), each vector's cosine with its text's reference vector (asked alone before the load) ≥ {EmbedReference.MinCosine}",
        $"a request unanswered in {LostAfter.TotalSeconds:0} s is lost (a binary client then opens a new connection); after a 429/503 a client waits {CheckedLoop.OverloadBackOff.TotalMilliseconds:0} ms",
        $"fault clients: {(Faults.Count == 0 ? "none" : string.Join(", ", Faults.Select(f => f.Name)))}",
    ];

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
