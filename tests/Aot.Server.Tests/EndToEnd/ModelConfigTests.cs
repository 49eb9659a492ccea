using System.Globalization;
using System.Text.Json;
using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.EndToEnd;

/// <summary>Per-model config files through the real <c>aot serve</c>: each model's own settings, the route, the log, precedence, refusals.</summary>
public sealed class ModelConfigTests : IDisposable
{
    private const string TinyRequest = """{"inputs":[{"name":"x","shape":[1,16],"datatype":"FP32","data":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}]}""";
    private readonly string _folder = Directory.CreateTempSubdirectory("config-e2e-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A repository DIR/&lt;name&gt;/1/model.onnx (tiny) with DIR/&lt;name&gt;/config.json for each entry.</summary>
    private string Repository(params (string Name, string Config)[] models)
    {
        string root = Path.Combine(_folder, "repository");
        foreach ((string name, string config) in models)
        {
            string version = Directory.CreateDirectory(Path.Combine(root, name, "1")).FullName;
            File.Copy(TestModels.Tiny, Path.Combine(version, "model.onnx"));
            File.WriteAllText(Path.Combine(root, name, "config.json"), config);
        }

        return root;
    }

    private string File_(string name, string json)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, json);
        return path;
    }

    private static async Task<JsonElement> ConfigAsync(ServerProcess server, string model)
    {
        using JsonDocument document = JsonDocument.Parse(await server.Http.GetStringAsync($"/v2/models/{model}/config"));
        return document.RootElement.Clone();
    }

    /// <summary>The batch-size histogram of one model: total batches and how many had at most <paramref name="rows"/> rows.</summary>
    private static (long AtMost, long Count) Batches(string metrics, string model, int rows)
    {
        long Value(string series) => long.Parse(metrics.Split('\n').Single(l => l.StartsWith(series, StringComparison.Ordinal))[(series.Length + 1)..], CultureInfo.InvariantCulture);
        return (Value($"aot_batch_size_bucket{{model=\"{model}\",version=\"1\",le=\"{rows}\"}}"), Value($"aot_batch_size_count{{model=\"{model}\",version=\"1\"}}"));
    }

    private static async Task SendConcurrentlyAsync(ServerProcess server, string model, int count)
    {
        using var gate = new SemaphoreSlim(0);
        Task[] requests = [.. Enumerable.Range(0, count).Select(async _ =>
        {
            await gate.WaitAsync();
            using HttpResponseMessage response = await server.Http.PostAsync($"/v2/models/{model}/infer", new StringContent(TinyRequest));
            response.EnsureSuccessStatusCode();
        })];
        gate.Release(count);
        await Task.WhenAll(requests);
    }

    [Fact]
    public async Task Two_models_in_one_server_each_keep_their_own_settings()
    {
        string repository = Repository(
            ("solo", """{"intra_op_threads":1,"workers":1,"max_batch":1,"max_delay_us":0}"""),
            ("batched", """{"intra_op_threads":2,"workers":2,"max_batch":8,"max_delay_us":200000,"version_policy":{"latest":{"num_versions":1}}}"""));
        await using ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer, ["--repository", repository], threads: null);

        Assert.Contains($"settings of 'solo' v1: device=cpu intra_op_threads=1 inter_op_threads=0 workers=1 max_batch=1 max_delay_us=0", server.Output);
        Assert.Contains($"(config: {Path.Combine(repository, "solo", "config.json")})", server.Output);
        Assert.Contains($"settings of 'batched' v1: device=cpu intra_op_threads=2 inter_op_threads=0 workers=2 max_batch=8 max_delay_us=200000", server.Output);
        Assert.Contains("version_policy=latest(1)", server.Output);

        JsonElement solo = await ConfigAsync(server, "solo");
        JsonElement batched = await ConfigAsync(server, "batched");
        Assert.Equal((1, 1, 1), (solo.GetProperty("intra_op_threads").GetInt32(), solo.GetProperty("workers").GetInt32(), solo.GetProperty("max_batch").GetInt32()));
        Assert.Equal((2, 2, 8), (batched.GetProperty("intra_op_threads").GetInt32(), batched.GetProperty("workers").GetInt32(), batched.GetProperty("max_batch").GetInt32()));
        Assert.Equal(1, batched.GetProperty("version_policy").GetProperty("latest").GetProperty("num_versions").GetInt32());
        Assert.False(solo.TryGetProperty("version_policy", out _));

        await SendConcurrentlyAsync(server, "solo", 16);
        await SendConcurrentlyAsync(server, "batched", 16);
        string metrics = await server.Http.GetStringAsync("/metrics");
        (long soloSingles, long soloBatches) = Batches(metrics, "solo", 1);
        Assert.Equal(soloBatches, soloSingles); // max_batch 1: every batch one row
        (long batchedWithinEight, long batchedBatches) = Batches(metrics, "batched", 8);
        (long batchedSingles, _) = Batches(metrics, "batched", 1);
        Assert.Equal(batchedBatches, batchedWithinEight); // max_batch 8: none larger
        Assert.True(batchedSingles < batchedBatches, $"16 requests at once with a 200 ms batching delay formed no batch of 2 or more rows:\n{metrics}");
    }

    [Fact]
    public async Task A_flag_given_on_the_command_line_overrides_the_file_and_the_file_the_defaults()
    {
        string config = File_("tiny.json", """{"max_batch":8,"workers":2,"max_queue":77}""");
        await using ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer,
            ["--model", $"tiny={TestModels.Tiny}", "--config", $"tiny={config}", "--max-batch", "3"]);

        JsonElement settings = await ConfigAsync(server, "tiny");
        Assert.Equal(3, settings.GetProperty("max_batch").GetInt32()); // the flag
        Assert.Equal(2, settings.GetProperty("workers").GetInt32()); // the file
        Assert.Equal(77, settings.GetProperty("max_queue").GetInt32()); // the file
        Assert.Equal(1, settings.GetProperty("intra_op_threads").GetInt32()); // the test server's --threads 1
        Assert.Equal(0, settings.GetProperty("max_delay_us").GetInt32()); // the default
        Assert.Equal("all", settings.GetProperty("optimization_level").GetString());
        Assert.Equal("on", settings.GetProperty("cpu_arena").GetString());

        // What the route answers is itself a config file the server accepts.
        string saved = File_("saved.json", settings.GetRawText());
        await using ServerProcess again = await ServerProcess.StartAsync(RepoPaths.BuiltServer, ["--model", $"tiny={TestModels.Tiny}", "--config", $"tiny={saved}"]);
        Assert.Equal(settings.GetRawText(), (await ConfigAsync(again, "tiny")).GetRawText());
    }

    [Fact]
    public async Task The_text_section_sets_a_text_models_tokenizer_pooling_limits_and_prompts()
    {
        // The model alone in a folder (no sidecar vocab.txt): the file's tokenizer is what makes it a text model.
        string model = Path.Combine(Directory.CreateDirectory(Path.Combine(_folder, "model")).FullName, "minilm.onnx");
        File.Copy(TestModels.MiniLm, model);
        File.Copy(Path.Combine(Path.GetDirectoryName(TestModels.MiniLm)!, "vocab.txt"), Path.Combine(_folder, "words.txt"));
        string config = File_("minilm.json", """
            {"text":{"tokenizer":"words.txt","pooling":"cls","max_input_length":16,"max_client_batch_size":2,"auto_truncate":false,"prompts":{"q":"query: "}}}
            """);
        await using ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer, ["--model", $"minilm={model}", "--config", $"minilm={config}"]);

        JsonElement text = (await ConfigAsync(server, "minilm")).GetProperty("text");
        Assert.Equal(Path.Combine(_folder, "words.txt"), text.GetProperty("tokenizer").GetString());
        Assert.Equal("cls", text.GetProperty("pooling").GetString());
        Assert.Equal(16, text.GetProperty("max_input_length").GetInt32());
        Assert.Equal("query: ", text.GetProperty("prompts").GetProperty("q").GetString());
        Assert.Contains("Cls pooling, up to 16 tokens", server.Output);
        Assert.True((await ConfigAsync(server, "minilm")).GetProperty("pad_sequences").GetBoolean()); // text models always pad

        using HttpResponseMessage ok = await server.Http.PostAsync("/embed", new StringContent("""{"inputs":["a","b"],"prompt_name":"q"}"""));
        Assert.Equal(System.Net.HttpStatusCode.OK, ok.StatusCode);
        using HttpResponseMessage tooMany = await server.Http.PostAsync("/embed", new StringContent("""{"inputs":["a","b","c"]}"""));
        Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, tooMany.StatusCode); // max_client_batch_size 2
        using HttpResponseMessage tooLong = await server.Http.PostAsync("/embed", new StringContent($$"""{"inputs":"{{string.Join(' ', Enumerable.Repeat("word", 40))}}"}"""));
        Assert.Equal(System.Net.HttpStatusCode.RequestEntityTooLarge, tooLong.StatusCode); // max_input_length 16, no truncation
    }

    [Fact]
    public async Task The_config_route_of_an_unknown_model_is_404()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer, ["--model", $"tiny={TestModels.Tiny}"]);
        using HttpResponseMessage response = await server.Http.GetAsync("/v2/models/nope/config");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await server.Http.GetAsync("/v2/models/tiny/versions/1/config")).StatusCode);
    }

    [Theory]
    [InlineData("unknown key", """{"max_bacth":8}""", "key '$.max_bacth': unknown key; allowed keys here: device, intra_op_threads")]
    [InlineData("wrong type", """{"workers":"two"}""", "key '$.workers': expected an integer from 1 to 256")]
    [InlineData("impossible value", """{"max_batch":0}""", "key '$.max_batch': expected an integer from 1 to 1048576 (rows per batch; 1 turns batching off), got 0")]
    [InlineData("unknown device", """{"device":"gpu"}""", "key '$.device': expected one of cpu, cuda, cuda:N or auto, got \"gpu\"")]
    [InlineData("invalid JSON", "{\n\"workers\": 2,\n}", "is not valid JSON at line 3, column 1")]
    public async Task A_bad_config_file_stops_start_up_naming_the_file_and_the_key(string what, string json, string expected)
    {
        string config = File_("bad.json", json);
        (int exitCode, string output) = await ServerProcess.RunToExitAsync(RepoPaths.BuiltServer, "serve", "--model", $"tiny={TestModels.Tiny}", "--config", $"tiny={config}", "--http-port", "0", "--port", "0");
        Assert.True(exitCode == 1, $"{what}: exit code {exitCode}\n{output}");
        Assert.Contains($"aot: error: Config file '{config}'", output);
        Assert.Contains(expected, output);
    }

    [Fact]
    public async Task A_repository_config_that_cannot_be_read_stops_start_up_naming_it()
    {
        string repository = Repository(("tiny", "{}"));
        string config = Path.Combine(repository, "tiny", "config.json");
        File.Delete(config);
        Directory.CreateDirectory(Path.Combine(repository, "other", "1"));
        File.Copy(TestModels.Tiny, Path.Combine(repository, "other", "1", "model.onnx"));
        File.WriteAllText(Path.Combine(repository, "other", "config.json"), "{\"max_queue\": -5}");

        (int exitCode, string output) = await ServerProcess.RunToExitAsync(RepoPaths.BuiltServer, "serve", "--repository", repository, "--http-port", "0", "--port", "0");
        Assert.Equal(1, exitCode);
        Assert.Contains($"aot: error: Config file '{Path.Combine(repository, "other", "config.json")}': key '$.max_queue'", output);

        string missing = Path.Combine(_folder, "missing.json");
        (exitCode, output) = await ServerProcess.RunToExitAsync(RepoPaths.BuiltServer, "serve", "--model", $"tiny={TestModels.Tiny}", "--config", $"tiny={missing}", "--http-port", "0", "--port", "0");
        Assert.Equal(1, exitCode);
        Assert.Contains($"aot: error: Config file '{missing}' cannot be read", output);
    }

    [Fact]
    public async Task A_config_for_a_model_not_served_stops_start_up()
    {
        string config = File_("x.json", "{}");
        (int exitCode, string output) = await ServerProcess.RunToExitAsync(RepoPaths.BuiltServer, "serve", "--model", $"tiny={TestModels.Tiny}", "--config", $"other={config}", "--http-port", "0", "--port", "0");
        Assert.Equal(1, exitCode);
        Assert.Contains("--config 'other=", output);
        Assert.Contains("no model is named 'other'. Models: tiny", output);
    }
}
