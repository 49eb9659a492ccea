using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Aot.Client;
using Aot.Server.Tests.Grpc;
using Aot.Server.Tests.Infrastructure;
using Grpc.Net.Client;
using Inference;

namespace Aot.Server.Tests.Security;

/// <summary>
/// A model server must not phone home. The server runs under <c>strace -f</c> watching every <c>connect</c>, and every
/// <c>sendto</c>/<c>sendmsg</c> that names a destination (unconnected UDP, such as a DNS query), while it serves requests
/// on every protocol; then every address it reached must be one of its own listeners on loopback. ONNX Runtime 1.31
/// looks up mobile.events.data.microsoft.com at start unless its telemetry is off (docs/security.md).
/// </summary>
public sealed partial class NoOutboundNetworkTests : IDisposable
{
    /// <summary>
    /// How long the server is watched. ONNX Runtime's uploader made its first lookup about 7 s after the server was ready
    /// and retried 4 s and 8 s later (strace -tt, with <c>ORT_DISABLE_TELEMETRY=0</c>); 20 s covers the first three.
    /// </summary>
    private static readonly TimeSpan Watched = TimeSpan.FromSeconds(20);

    private readonly string _folder = Directory.CreateTempSubdirectory("aot-strace-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Serving_every_protocol_the_server_reaches_no_address_but_its_own_listeners()
    {
        string strace = new[] { "/usr/bin/strace", "/bin/strace" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("strace is needed for this test (apt-get install strace; .ci/run installs it).");
        string trace = Path.Combine(_folder, "trace");
        ServerProcess server = await ServerProcess.StartAsync(strace,
            ["--model", $"tiny={TestModels.Tiny}", "--model", $"minilm={TestModels.MiniLm}"], unixSocket: true,
            launcher: ["-f", "-qq", "-s", "256", "-e", "trace=connect,sendto,sendmsg", "-o", trace, RepoPaths.BuiltServer]);
        await using (server)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            do
            {
                await ServeEveryProtocolAsync(server);
                await Task.Delay(500);
            }
            while (clock.Elapsed < Watched);

            // SIGTERM to the server itself (strace's child); strace exits with it, having written the whole trace.
            int serverPid = int.Parse(File.ReadAllText($"/proc/{server.ProcessId}/task/{server.ProcessId}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]);
            ServerProcess.Terminate(serverPid);
            Assert.Equal(0, await server.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }

        string[] calls = [.. File.ReadLines(trace).Where(static l => l.Contains("sa_family=", StringComparison.Ordinal))];
        string[] outside = [.. calls.Where(c => !IsOwnListener(c, server))];
        Assert.True(outside.Length == 0, "the server reached addresses other than its own listeners:\n" + string.Join('\n', outside));
        // The trace did see the process: the test's own requests arrive by accept, so the server itself connects nowhere.
        Assert.Contains("ready: HTTP on 127.0.0.1", server.Output);
    }

    private static async Task ServeEveryProtocolAsync(ServerProcess server)
    {
        float[] row = [.. Enumerable.Range(0, 16).Select(static i => (float)i)];
        using HttpResponseMessage infer = await server.Http.PostAsync("/v2/models/tiny/infer", JsonContent.Create(new
        {
            inputs = new[] { new { name = "x", shape = new[] { 1, 16 }, datatype = "FP32", data = row } },
        }));
        infer.EnsureSuccessStatusCode();
        (await server.Http.PostAsync("/embed", JsonContent.Create(new { inputs = "no phone home" }))).EnsureSuccessStatusCode();
        (await server.Http.PostAsync("/v1/embeddings", JsonContent.Create(new { model = "minilm", input = "no phone home" }))).EnsureSuccessStatusCode();
        (await server.Http.GetAsync("/metrics")).EnsureSuccessStatusCode();

        using GrpcChannel channel = GrpcTestClient.Channel(server);
        ModelInferResponse grpc = await GrpcTestClient.InferenceClient(channel).ModelInferAsync(GrpcTestClient.TinyRaw(1));
        Assert.Equal("tiny", grpc.ModelName);

        foreach (Task<AotClient> connecting in (Task<AotClient>[])[AotClient.ConnectAsync("127.0.0.1", server.Port), AotClient.ConnectUnixAsync(server.UnixSocket!)])
        {
            await using AotClient client = await connecting;
            using InferResult result = await client.InferAsync("tiny", [InputTensor.Create("x", [1, 16], row)]);
            Assert.Equal([1L, 16], result.Outputs[0].Shape);
        }
    }

    /// <summary>True when the traced call's address is loopback on one of the server's ports, or its Unix socket.</summary>
    private static bool IsOwnListener(string call, ServerProcess server)
    {
        if (UnixPath().Match(call) is { Success: true } unix)
        {
            return unix.Groups[1].Value == server.UnixSocket;
        }

        Match inet = InetAddress().Match(call);
        if (!inet.Success)
        {
            return false; // another family (netlink, packet …): listed so a person looks at it
        }

        int port = int.Parse(inet.Groups[1].Value);
        string address = inet.Groups[2].Success ? inet.Groups[2].Value : inet.Groups[3].Value;
        return address is "127.0.0.1" or "::1" or "::ffff:127.0.0.1" && (port == server.HttpPort || port == server.GrpcPort || port == server.Port);
    }

    [GeneratedRegex("sun_path=\"([^\"]*)\"")]
    private static partial Regex UnixPath();

    [GeneratedRegex("sin6?_port=htons\\((\\d+)\\).*?(?:inet_addr\\(\"([^\"]+)\"\\)|inet_pton\\(AF_INET6, \"([^\"]+)\")")]
    private static partial Regex InetAddress();
}
