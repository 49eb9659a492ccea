using System.Net;
using System.Net.Http.Headers;
using Aot.Server.Tests.Grpc;
using Aot.Server.Tests.Infrastructure;
using Grpc.Core;
using Grpc.Net.Client;
using Inference;

namespace Aot.Server.Tests.Security;

/// <summary>Rotating keys without a restart: the key file is read again when it changes, or at once on SIGHUP.</summary>
public sealed class ApiKeyReloadTests : IDisposable
{
    private const string OldKey = "old-rotating-key-3b9d";
    private const string NewKey = "new-rotating-key-8c1f";
    private static readonly TimeSpan PatienceForReload = TimeSpan.FromSeconds(30);
    private readonly string _folder = Directory.CreateTempSubdirectory("aot-keys-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task A_changed_key_file_applies_without_a_restart_and_a_bad_one_keeps_the_keys_in_use()
    {
        (ServerProcess started, string keyFile) = await StartWithOldKey(reloadSeconds: 1);
        await using ServerProcess server = started;
        Assert.Equal(HttpStatusCode.OK, await StatusWith(server, OldKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWith(server, NewKey));

        // Rotation: both keys, then the new one only. A Kubernetes Secret is swapped whole (a new file renamed in).
        await Replace(keyFile, $"{NewKey}\n{OldKey}\n");
        await WaitUntil(async () => await StatusWith(server, NewKey) == HttpStatusCode.OK, server, "the new key was not accepted");
        Assert.Equal(HttpStatusCode.OK, await StatusWith(server, OldKey));
        await Replace(keyFile, NewKey + "\n");
        await WaitUntil(async () => await StatusWith(server, OldKey) == HttpStatusCode.Unauthorized, server, "the removed key was still accepted");
        Assert.Equal(StatusCode.OK, await GrpcStatusWith(server, NewKey));
        Assert.Equal(StatusCode.Unauthenticated, await GrpcStatusWith(server, OldKey));

        // An emptied file would open the server or lock everyone out: it is refused, named, and the key in use stays.
        await Replace(keyFile, "# keys are being rotated\n");
        await WaitUntil(() => Task.FromResult(server.Output.Contains($"error: --api-key-file {keyFile} holds no key", StringComparison.Ordinal)), server, "the empty file was not reported");
        Assert.Contains("The 1 key(s) in use stay.", server.Output);
        Assert.Equal(HttpStatusCode.OK, await StatusWith(server, NewKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWith(server, null));

        Assert.Contains($"API keys read again from {keyFile}: 2 key(s)", server.Output);
        Assert.Contains($"API keys read again from {keyFile}: 1 key(s)", server.Output);
        foreach (string key in (string[])[OldKey, NewKey])
        {
            Assert.DoesNotContain(key, server.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SIGHUP_reads_the_key_file_at_once_and_does_not_stop_the_server()
    {
        (ServerProcess started, string keyFile) = await StartWithOldKey(reloadSeconds: 0);
        await using ServerProcess server = started;

        await File.WriteAllTextAsync(keyFile, NewKey + "\n");
        Assert.Equal(HttpStatusCode.OK, await StatusWith(server, OldKey)); // no polling: nothing changes by itself
        server.HangUp();
        await WaitUntil(() => Task.FromResult(server.Output.Contains("(SIGHUP): 1 key(s)", StringComparison.Ordinal)), server, "SIGHUP did not reload");
        Assert.Equal(HttpStatusCode.OK, await StatusWith(server, NewKey));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWith(server, OldKey));
        Assert.False(server.HasExited);
    }

    [Fact]
    public async Task A_negative_reload_interval_is_refused_at_start()
    {
        (int exitCode, string output) = await TinyServeRefusal.RunAsync("--api-key-reload-secs", "-1");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("--api-key-reload-secs -1", output);
    }

    /// <summary>The tiny model behind a key file holding <see cref="OldKey"/>, looked at every <paramref name="reloadSeconds"/>.</summary>
    private async Task<(ServerProcess Server, string KeyFile)> StartWithOldKey(int reloadSeconds)
    {
        string keyFile = Path.Combine(_folder, "keys");
        await File.WriteAllTextAsync(keyFile, OldKey + "\n");
        ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer,
            ["--model", $"tiny={TestModels.Tiny}", "--api-key-file", keyFile, "--api-key-reload-secs", reloadSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        return (server, keyFile);
    }

    private static async Task<HttpStatusCode> StatusWith(ServerProcess server, string? key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/models/tiny");
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        using HttpResponseMessage response = await server.Http.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task<StatusCode> GrpcStatusWith(ServerProcess server, string key)
    {
        using GrpcChannel channel = GrpcTestClient.Channel(server);
        try
        {
            await new GRPCInferenceService.GRPCInferenceServiceClient(channel).ModelMetadataAsync(new ModelMetadataRequest { Name = "tiny" }, new Metadata { { "authorization", "Bearer " + key } });
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }

    /// <summary>Writes a new file and renames it over the old one, as a Secret volume or an editor's atomic save does.</summary>
    private static async Task Replace(string path, string content)
    {
        string staged = path + ".new";
        await File.WriteAllTextAsync(staged, content);
        File.Move(staged, path, overwrite: true);
    }

    private static async Task WaitUntil(Func<Task<bool>> condition, ServerProcess server, string failure)
    {
        DateTime deadline = DateTime.UtcNow + PatienceForReload;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{failure} within {PatienceForReload.TotalSeconds} s; server output:\n{server.Output}");
            await Task.Delay(100);
        }
    }
}
