using System.Net;
using System.Net.Http.Headers;
using Aot.Server.Tests.Grpc;
using Aot.Server.Tests.Infrastructure;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Aot.Server.Tests.Security;

/// <summary>Where keys come from and what <c>--auth-health</c> changes; a bad key file fails at start.</summary>
public sealed class ApiKeyStartupTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("aot-keys-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task With_auth_health_the_health_routes_need_the_key_too()
    {
        const string Key = "only-key-from-the-environment";
        await using ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer, ["--model", $"tiny={TestModels.Tiny}", "--auth-health"],
            environment: new Dictionary<string, string> { ["AOT_API_KEY"] = Key }, readinessKey: Key);
        Assert.Contains("API key required (1 key); health routes need it too", server.Output);

        using var anonymous = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{server.HttpPort}") };
        foreach (string path in (string[])["/v2/health/live", "/v2/health/ready", "/health"])
        {
            using HttpResponseMessage refused = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await server.Http.GetAsync(path)).StatusCode); // server.Http sends the key
        }

        using GrpcChannel channel = GrpcTestClient.Channel(server);
        var health = new Health.HealthClient(channel);
        RpcException unauthenticated = await Assert.ThrowsAsync<RpcException>(async () => await health.CheckAsync(new HealthCheckRequest()));
        Assert.Equal(StatusCode.Unauthenticated, unauthenticated.StatusCode);
        HealthCheckResponse serving = await health.CheckAsync(new HealthCheckRequest(), new Metadata { { "authorization", "Bearer " + Key } });
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, serving.Status);
        Assert.DoesNotContain(Key, server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_or_empty_key_file_fails_at_start_naming_it()
    {
        (int exitCode, string output) = await TinyServeRefusal.RunAsync("--api-key-file", "/no/such/keys");
        Assert.Equal(1, exitCode);
        Assert.Contains("aot: error: Cannot read --api-key-file /no/such/keys:", output);

        string empty = Path.Combine(_folder, "empty");
        await File.WriteAllTextAsync(empty, "# no key yet\n\n");
        (exitCode, output) = await TinyServeRefusal.RunAsync("--api-key-file", empty);
        Assert.Equal(1, exitCode);
        Assert.Contains($"aot: error: --api-key-file {empty} holds no key", output);
    }

    [Fact]
    public async Task The_npm_OpenAI_client_works_with_the_key_as_its_apiKey_and_reports_a_wrong_one()
    {
        const string Key = "sk-aot-test-5e1c9b";
        string keyFile = Path.Combine(_folder, "keys");
        await File.WriteAllTextAsync(keyFile, Key + "\n");
        await using ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer, ["--model", $"minilm={TestModels.MiniLm}", "--api-key-file", keyFile]);
        await NodeClients.InstallAsync();

        string output = await NodeClients.RunAsync("node", ["openai-key.mjs", $"http://127.0.0.1:{server.HttpPort}", "minilm", Key]);
        using var result = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal(384, result.RootElement.GetProperty("dimensions").GetInt32());
        Assert.Equal(401, result.RootElement.GetProperty("wrongKeyStatus").GetInt32());
        Assert.Equal("The API key is not valid.", result.RootElement.GetProperty("wrongKeyMessage").GetString());
        Assert.DoesNotContain(Key, server.Output, StringComparison.Ordinal);
    }
}
