using System.Net;
using System.Net.Security;
using Aot.Client;
using Aot.Client.Typed;
using Aot.Protocol;
using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.Security;

/// <summary><c>--tls-binary</c>: the binary protocol's TCP port over TLS with the server's certificate, with and without an API key.</summary>
public sealed class BinaryTlsTests : IDisposable
{
    private const string Key = "tls-key-4b7d2e9a";
    private readonly string _folder = Directory.CreateTempSubdirectory("aot-tls-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_binary_port_speaks_TLS_with_the_certificate_and_the_key_travels_inside_it()
    {
        (string cert, string key, string thumbprint) = TestCertificates.WriteSelfSigned(_folder);
        string keyFile = Path.Combine(_folder, "keys");
        await File.WriteAllTextAsync(keyFile, Key + "\n");
        await using ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer,
            ["--model", $"tiny={TestModels.Tiny}", "--tls-cert", cert, "--tls-key", key, "--tls-binary", "--api-key-file", keyFile], unixSocket: true, tls: true);
        Assert.Contains($"binary (TLS) on 127.0.0.1:{server.Port}", server.Output);

        // The client accepts exactly the test's certificate: the server must present it.
        var tls = new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, presented, _, _) => presented?.GetCertHashString() == thumbprint,
        };
        await using (AotClient client = await AotClient.ConnectAsync("127.0.0.1", server.Port, new AotConnectionOptions { Tls = tls, ApiKey = Key }))
        {
            using InferResult result = await client.InferAsync("tiny", [InputTensor.Create("x", [1, 16], new float[16])]);
            Assert.Equal([1L, 16], result.Outputs[0].Shape);
        }

        AotServerException wrongKey = await Assert.ThrowsAsync<AotServerException>(() =>
            AotClient.ConnectAsync("127.0.0.1", server.Port, new AotConnectionOptions { Tls = tls, ApiKey = "wrong" }));
        Assert.Equal(ErrorCode.Unauthenticated, wrongKey.Code);

        // Plain bytes on the TLS port are not a TLS handshake: the server drops the connection.
        await Assert.ThrowsAnyAsync<IOException>(() => AotClient.ConnectAsync("127.0.0.1", server.Port, new AotConnectionOptions { ApiKey = Key }));

        // The typed client writes to its socket itself: it refuses TLS rather than sending plain bytes.
        await Assert.ThrowsAsync<NotSupportedException>(() =>
            TypedConnection.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.Port), new AotConnectionOptions { Tls = tls }));

        // The Unix socket stays plain (local only; file permissions guard it).
        await using AotClient local = await AotClient.ConnectUnixAsync(server.UnixSocket!, new AotConnectionOptions { ApiKey = Key });
        await local.PingAsync();
    }

    [Fact]
    public async Task TLS_on_the_binary_port_without_a_certificate_fails_at_start()
    {
        (int exitCode, string output) = await TinyServeRefusal.RunAsync("--tls-binary");
        Assert.Equal(1, exitCode);
        Assert.Contains("aot: error: --tls-binary needs --tls-cert and --tls-key (PEM files).", output);
    }
}
