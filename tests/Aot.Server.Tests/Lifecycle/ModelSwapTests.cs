using System.Net;
using System.Text.Json.Nodes;
using Aot.Server.Hosting;

namespace Aot.Server.Tests.Lifecycle;

/// <summary>
/// Issue 16's acceptance: under 16 concurrent clients (8 HTTP, 8 binary protocol), 10 successive version swaps — by
/// dropping folders into a polled repository and by explicit load — fail no request, and after each swap the answers
/// come from the new version; a broken version leaves the old one serving and the index says why.
/// </summary>
public sealed class ModelSwapTests
{
    private static readonly string[] Common = ["--threads", "1", "--max-batch", "8", "--release-memory-after-idle-ms", "0"];

    [Fact]
    public async Task Ten_swaps_and_a_rollback_by_dropping_and_removing_folders_in_a_polled_repository_fail_no_request()
    {
        using var repository = new VersionedRepository();
        (InProcessServer server, SteadyLoad load) = await StartUnderLoadAsync(repository, "poll");
        await using InProcessServer _ = server;
        try
        {
            for (long version = 2; version <= 12; version++)
            {
                repository.Drop(version);
                await load.WaitForVersionAsync(version);
            }

            // Rollback: removing the newest folder brings the one before back (loaded again, then swapped in).
            repository.Remove(12);
            await load.WaitForVersionAsync(11);
        }
        finally
        {
            await load.DisposeAsync();
        }

        Assert.Empty(load.Failures);
        JsonArray index = await IndexAsync(server);
        Assert.Equal("11", Assert.Single(index, e => (string?)e!["state"] == "READY")!["version"]!.ToString());
        Assert.All(index.Where(e => (string?)e!["version"] != "11"), e => Assert.Equal("UNAVAILABLE", (string?)e!["state"]));
        Assert.DoesNotContain(index, e => (string?)e!["version"] == "12");
    }

    [Fact]
    public async Task Ten_swaps_by_explicit_load_fail_no_request_and_unload_ends_serving()
    {
        using var repository = new VersionedRepository();
        (InProcessServer server, SteadyLoad load) = await StartUnderLoadAsync(repository, "explicit");
        await using InProcessServer _ = server;
        using var http = Http(server);
        try
        {
            for (long version = 2; version <= 11; version++)
            {
                repository.Drop(version);
                using HttpResponseMessage loaded = await http.PostAsync("/v2/repository/models/add/load", null);
                Assert.Equal(HttpStatusCode.OK, loaded.StatusCode);
                await load.WaitForVersionAsync(version);
            }
        }
        finally
        {
            await load.DisposeAsync();
        }

        Assert.Empty(load.Failures);
        using HttpResponseMessage unloaded = await http.PostAsync("/v2/repository/models/add/unload", null);
        Assert.Equal(HttpStatusCode.OK, unloaded.StatusCode);
        using HttpResponseMessage gone = await http.PostAsync("/v2/models/add/infer", new StringContent("""{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}"""));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Contains("Unknown model 'add'", await gone.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/v2/models/add/versions/11/ready")).StatusCode);
    }

    [Fact]
    public async Task A_broken_version_leaves_the_old_one_serving_and_the_index_shows_why()
    {
        using var repository = new VersionedRepository();
        (InProcessServer server, SteadyLoad load) = await StartUnderLoadAsync(repository, "poll");
        await using InProcessServer _ = server;
        try
        {
            byte[] valid = VersionedRepository.AddModel(2);
            repository.Drop(2, valid[..(valid.Length / 2)]); // truncated
            JsonNode truncated = await WaitForIndexAsync(server, "2", "UNAVAILABLE");
            Assert.NotEqual("", (string?)truncated["reason"]);

            repository.Drop(3, VersionedRepository.AddModel(3, width: 5)); // loads, but takes [batch, 5]
            JsonNode mismatch = await WaitForIndexAsync(server, "3", "UNAVAILABLE");
            Assert.Contains("signature differs from version 1", (string?)mismatch["reason"]);

            repository.Drop(4, "this is not an ONNX model"u8.ToArray());
            await WaitForIndexAsync(server, "4", "UNAVAILABLE");
            await load.WaitForVersionAsync(1);
        }
        finally
        {
            await load.DisposeAsync();
        }

        Assert.Empty(load.Failures);
        using var http = Http(server);
        string metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("aot_model_load_failures_total{model=\"add\",version=\"3\"} 1", metrics);
        Assert.Contains("aot_model_state{model=\"add\",version=\"1\",state=\"READY\"} 1", metrics);
        Assert.Contains("aot_model_state{model=\"add\",version=\"2\",state=\"UNAVAILABLE\"} 1", metrics);
        Assert.Matches("aot_model_load_seconds\\{model=\"add\",version=\"1\"\\} [0-9.eE-]+\n", metrics);
        string status = await http.GetStringAsync("/v1/models/add");
        Assert.Contains("\"version\":\"1\",\"state\":\"AVAILABLE\"", status);
        Assert.Contains("\"version\":\"3\",\"state\":\"END\"", status);
    }

    [Fact]
    public async Task A_changed_config_json_reloads_the_model_with_its_new_settings()
    {
        using var repository = new VersionedRepository();
        repository.Drop(1);
        await using InProcessServer server = await InProcessServer.StartAsync(
            ["--repository", repository.Root, "--model-control", "poll", "--poll-secs", "1", "--threads", "1"], _ => { });
        using HttpClient http = Http(server);
        Assert.Equal(32, (int)JsonNode.Parse(await http.GetStringAsync("/v2/models/add/config"))!["max_batch"]!);

        File.WriteAllText(Path.Combine(repository.Root, VersionedRepository.Model, "config.json"), """{"max_batch": 2}""");
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2)); // against a hang only
        while ((int)JsonNode.Parse(await http.GetStringAsync("/v2/models/add/config"))!["max_batch"]! != 2)
        {
            await Task.Delay(50, guard.Token);
        }

        JsonNode entry = Assert.Single(await IndexAsync(server))!;
        Assert.Equal("READY", (string?)entry["state"]);
    }

    [Fact]
    public async Task A_version_whose_warmup_file_fails_is_not_served_and_one_whose_file_runs_is()
    {
        using var repository = new VersionedRepository();
        repository.Drop(1);
        File.WriteAllText(Path.Combine(repository.VersionFolder(1), "warmup.json"),
            """[{"inputs":[{"name":"x","shape":[2,4],"datatype":"FP32","data":[1,2,3,4,5,6,7,8]}]}]""");
        await using InProcessServer server = await InProcessServer.StartAsync(
            ["--repository", repository.Root, "--model-control", "explicit", "--threads", "1"], _ => { });
        Assert.Equal("READY", (string?)Assert.Single(await IndexAsync(server))!["state"]);

        repository.Drop(2);
        File.WriteAllText(Path.Combine(repository.VersionFolder(2), "warmup.json"),
            """{"inputs":[{"name":"not_x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}""");
        using HttpClient http = Http(server);
        using HttpResponseMessage load = await http.PostAsync("/v2/repository/models/add/load", null);
        Assert.Equal(HttpStatusCode.BadRequest, load.StatusCode);
        Assert.Contains("warm-up request 0 of", await load.Content.ReadAsStringAsync());
        JsonArray index = await IndexAsync(server);
        Assert.Contains("not_x", (string?)index.Single(e => (string?)e!["version"] == "2")!["reason"]);
        Assert.Equal("READY", (string?)index.Single(e => (string?)e!["version"] == "1")!["state"]); // still serving
    }

    /// <summary>Version 1 in the repository, a server over it with <paramref name="control"/>, and the 16 clients already answered by version 1.</summary>
    private static async Task<(InProcessServer Server, SteadyLoad Load)> StartUnderLoadAsync(VersionedRepository repository, string control)
    {
        repository.Drop(1);
        InProcessServer server = await InProcessServer.StartAsync(
            ["--repository", repository.Root, "--model-control", control, "--poll-secs", "1", .. Common], _ => { });
        SteadyLoad load = await SteadyLoad.StartAsync(server);
        await load.WaitForVersionAsync(1);
        return (server, load);
    }

    internal static HttpClient Http(InProcessServer server) => new() { BaseAddress = new Uri($"http://127.0.0.1:{server.HttpPort}") };

    internal static async Task<JsonArray> IndexAsync(InProcessServer server)
    {
        using HttpClient http = Http(server);
        using HttpResponseMessage response = await http.PostAsync("/v2/repository/index", new StringContent("{}"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
    }

    /// <summary>Polls the index until version <paramref name="version"/> of <c>add</c> is in <paramref name="state"/> (a guard against a hang, not a speed check).</summary>
    private static async Task<JsonNode> WaitForIndexAsync(InProcessServer server, string version, string state)
    {
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (true)
        {
            JsonNode? entry = (await IndexAsync(server)).FirstOrDefault(e => (string?)e!["name"] == "add" && (string?)e["version"] == version);
            if ((string?)entry?["state"] == state)
            {
                return entry!;
            }

            await Task.Delay(50, guard.Token);
        }
    }
}
