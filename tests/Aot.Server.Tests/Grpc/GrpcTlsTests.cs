using System.Net;
using Aot.Server.Tests.Infrastructure;
using Grpc.Core;
using Grpc.Net.Client;
using Inference;
using static Aot.Server.Tests.Grpc.GrpcTestClient;

namespace Aot.Server.Tests.Grpc;

/// <summary><c>--tls-cert</c> / <c>--tls-key</c>: HTTP and gRPC over TLS with the given certificate; bad TLS options fail at start.</summary>
public sealed class GrpcTlsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("aot-tls-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task With_a_certificate_gRPC_and_HTTP_are_served_over_TLS_with_it()
    {
        (string cert, string key, string thumbprint) = TestCertificates.WriteSelfSigned(_folder);
        await using ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer,
            ["--model", $"tiny={TestModels.Tiny}", "--tls-cert", cert, "--tls-key", key], tls: true);
        Assert.Contains("ready: HTTPS on", server.Output);

        // The client accepts exactly the test's certificate: the server must present it.
        var handler = new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == thumbprint } };
        using GrpcChannel channel = GrpcChannel.ForAddress(server.GrpcAddress, new GrpcChannelOptions { HttpHandler = handler });
        ModelInferResponse answer = await InferenceClient(channel).ModelInferAsync(TinyRaw(1));
        Assert.Equal([1L, 16], answer.Outputs[0].Shape);
        Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync("/v2/health/ready")).StatusCode);

        // Cleartext HTTP/2 is not served on the TLS port.
        using GrpcChannel plain = GrpcChannel.ForAddress($"http://127.0.0.1:{server.GrpcPort}");
        RpcException refused = await Assert.ThrowsAsync<RpcException>(async () => await InferenceClient(plain).ModelInferAsync(TinyRaw(1)));
        Assert.NotEqual(StatusCode.OK, refused.StatusCode);
    }

    [Fact]
    public async Task A_key_without_a_certificate_or_an_unreadable_pair_fails_at_start()
    {
        (int exitCode, string output) = await TinyServeRefusal.RunAsync("--tls-key", "/no/such.key");
        Assert.Equal(1, exitCode);
        Assert.Contains("aot: error: TLS needs both --tls-cert and --tls-key (PEM files).", output);

        (exitCode, output) = await TinyServeRefusal.RunAsync("--tls-cert", "/no/such.pem", "--tls-key", "/no/such.key");
        Assert.Equal(1, exitCode);
        Assert.Contains("aot: error: Cannot load the TLS certificate /no/such.pem with key /no/such.key:", output);
    }
}
