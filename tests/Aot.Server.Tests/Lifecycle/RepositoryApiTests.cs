using System.Net;
using System.Text.Json.Nodes;
using Aot.Server.Hosting;

namespace Aot.Server.Tests.Lifecycle;

/// <summary>The repository extension's refusals (unknown model, names that are not one repository folder, no explicit control) and its serialisation of one model's loads and unloads.</summary>
public sealed class RepositoryApiTests
{
    [Theory]
    [InlineData("..")]
    [InlineData("..%2F..%2Fetc")]
    [InlineData("a%5Cb")]
    [InlineData("a%00b")]
    [InlineData("%2Ftmp")]
    [InlineData("add..")]
    public async Task A_name_that_is_not_one_repository_folder_is_refused_with_400(string name)
    {
        using var repository = new VersionedRepository();
        repository.Drop(1);
        await using InProcessServer server = await InProcessServer.StartAsync(["--repository", repository.Root, "--model-control", "explicit", "--threads", "1"], _ => { });
        using HttpClient http = ModelSwapTests.Http(server);
        using HttpResponseMessage response = await http.PostAsync($"/v2/repository/models/{name}/load", null);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{response.StatusCode}: {body}");
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            // Kestrel resolved the dots in the path itself: the request never named a model (no route matched).
            Assert.Contains("No endpoint", body);
        }
        else if (body.Length > 0)
        {
            Assert.Contains("is not allowed", body);
        }
        else
        {
            // Kestrel itself refuses a NUL in the path (400, no body) before any route sees it.
            Assert.Equal("a%00b", name);
        }
    }

    [Fact]
    public async Task Unknown_models_get_404_naming_them_and_load_needs_explicit_control()
    {
        using var repository = new VersionedRepository();
        repository.Drop(1);
        await using (InProcessServer server = await InProcessServer.StartAsync(["--repository", repository.Root, "--model-control", "explicit", "--threads", "1"], _ => { }))
        {
            using HttpClient http = ModelSwapTests.Http(server);
            using HttpResponseMessage load = await http.PostAsync("/v2/repository/models/nosuch/load", null);
            Assert.Equal(HttpStatusCode.NotFound, load.StatusCode);
            Assert.Contains("'nosuch'", await load.Content.ReadAsStringAsync());
            using HttpResponseMessage unload = await http.PostAsync("/v2/repository/models/nosuch/unload", null);
            Assert.Equal(HttpStatusCode.NotFound, unload.StatusCode);
            Assert.Contains("'nosuch'", await unload.Content.ReadAsStringAsync());
        }

        await using (InProcessServer polled = await InProcessServer.StartAsync(["--repository", repository.Root, "--model-control", "poll", "--threads", "1"], _ => { }))
        {
            using HttpClient http = ModelSwapTests.Http(polled);
            using HttpResponseMessage load = await http.PostAsync("/v2/repository/models/add/load", null);
            Assert.Equal(HttpStatusCode.BadRequest, load.StatusCode);
            Assert.Contains("--model-control explicit", await load.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Concurrent_loads_and_unloads_of_one_model_are_serialised_without_deadlock()
    {
        using var repository = new VersionedRepository();
        repository.Drop(1);
        repository.Drop(2);
        await using InProcessServer server = await InProcessServer.StartAsync(["--repository", repository.Root, "--model-control", "explicit", "--threads", "1"], _ => { });
        using HttpClient http = ModelSwapTests.Http(server);
        Task<HttpResponseMessage>[] calls = [.. Enumerable.Range(0, 24).Select(i => http.PostAsync($"/v2/repository/models/add/{(i % 2 == 0 ? "load" : "unload")}", null))];
        // The guard only turns a deadlock into a failure; it measures nothing.
        HttpResponseMessage[] responses = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromMinutes(3));
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));

        using HttpResponseMessage last = await http.PostAsync("/v2/repository/models/add/load", null);
        Assert.Equal(HttpStatusCode.OK, last.StatusCode);
        JsonArray index = await ModelSwapTests.IndexAsync(server);
        Assert.Equal("2", Assert.Single(index, e => (string?)e!["state"] == "READY")!["version"]!.ToString());
        using HttpResponseMessage answer = await http.PostAsync("/v2/models/add/infer", new StringContent("""{"inputs":[{"name":"x","shape":[1,4],"datatype":"FP32","data":[1,2,3,4]}]}"""));
        JsonArray data = JsonNode.Parse(await answer.Content.ReadAsStringAsync())!["outputs"]![0]!["data"]!.AsArray();
        Assert.Equal([3f, 4f, 5f, 6f], data.Select(static v => (float)v!)); // x + 2: version 2 answers
    }

    [Fact]
    public async Task Version_policy_picks_the_versions_served()
    {
        using var repository = new VersionedRepository();
        repository.Drop(1);
        repository.Drop(2);
        repository.Drop(3);
        await using (InProcessServer latest = await InProcessServer.StartAsync(["--repository", repository.Root, "--threads", "1"], _ => { }))
        {
            Assert.Equal(["3"], ReadyVersions(await ModelSwapTests.IndexAsync(latest)));
        }

        await using (InProcessServer two = await InProcessServer.StartAsync(["--repository", repository.Root, "--threads", "1", "--version-policy", "latest:2"], _ => { }))
        {
            Assert.Equal(["2", "3"], ReadyVersions(await ModelSwapTests.IndexAsync(two)));
            using HttpClient http = ModelSwapTests.Http(two);
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/v2/models/add/versions/1")).StatusCode);
        }

        File.WriteAllText(Path.Combine(repository.Root, "add", "config.json"), """{"version_policy": {"specific": {"versions": [1, 3]}}}""");
        await using (InProcessServer specific = await InProcessServer.StartAsync(["--repository", repository.Root, "--threads", "1", "--version-policy", "all"], _ => { }))
        {
            Assert.Equal(["1", "3"], ReadyVersions(await ModelSwapTests.IndexAsync(specific)));
        }
    }

    [Fact]
    public async Task Load_model_chooses_what_explicit_control_loads_at_start()
    {
        using var repository = new VersionedRepository();
        repository.Drop(1);
        string other = Path.Combine(repository.Root, "other", "1");
        Directory.CreateDirectory(other);
        File.WriteAllBytes(Path.Combine(other, "model.onnx"), VersionedRepository.AddModel(5));

        await using (InProcessServer server = await InProcessServer.StartAsync(["--repository", repository.Root, "--model-control", "explicit", "--load-model", "other", "--threads", "1"], _ => { }))
        {
            using HttpClient http = ModelSwapTests.Http(server);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v2/models/other/ready")).StatusCode);
            Assert.NotEqual(HttpStatusCode.OK, (await http.GetAsync("/v2/models/add/ready")).StatusCode); // waits for its load
            using HttpResponseMessage load = await http.PostAsync("/v2/repository/models/add/load", null);
            Assert.Equal(HttpStatusCode.OK, load.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v2/models/add/ready")).StatusCode);
        }

        await using (InProcessServer all = await InProcessServer.StartAsync(["--repository", repository.Root, "--model-control", "explicit", "--load-model", "*", "--threads", "1"], _ => { }))
        {
            using HttpClient http = ModelSwapTests.Http(all);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v2/models/add/ready")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/v2/models/other/ready")).StatusCode);
        }

        FormatException missing = await Assert.ThrowsAsync<FormatException>(() => InProcessServer.StartAsync(["--repository", repository.Root, "--model-control", "explicit", "--load-model", "nosuch", "--threads", "1"], _ => { }));
        Assert.Contains("--load-model nosuch", missing.Message);
        Assert.Contains("its models: add, other", missing.Message);
        FormatException polled = await Assert.ThrowsAsync<FormatException>(() => InProcessServer.StartAsync(["--repository", repository.Root, "--model-control", "poll", "--load-model", "add", "--threads", "1"], _ => { }));
        Assert.Contains("--load-model needs --model-control explicit", polled.Message);
    }

    private static string[] ReadyVersions(JsonArray index) =>
        [.. index.Where(e => (string?)e!["state"] == "READY").Select(e => (string)e!["version"]!).Order(StringComparer.Ordinal)];
}
