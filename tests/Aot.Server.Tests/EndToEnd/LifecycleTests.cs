using System.Net;
using System.Text;
using Aot.Client;
using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.EndToEnd;

/// <summary>Tests that need their own server process: overload, shutdown, start-up errors.</summary>
public sealed class LifecycleTests
{
    /// <summary>A bert-tiny request of 512 tokens: slow enough (milliseconds) to queue others behind it.</summary>
    private static string SlowBertRequest()
    {
        string ids = string.Join(",", Enumerable.Range(0, 512).Select(i => 100 + i));
        string ones = string.Join(",", Enumerable.Repeat(1, 512));
        string zeros = string.Join(",", Enumerable.Repeat(0, 512));
        return $$"""{"inputs":[{"name":"input_ids","shape":[1,512],"datatype":"INT64","data":[{{ids}}]},{"name":"attention_mask","shape":[1,512],"datatype":"INT64","data":[{{ones}}]},{"name":"token_type_ids","shape":[1,512],"datatype":"INT64","data":[{{zeros}}]}]}""";
    }

    [Fact]
    public async Task A_full_queue_answers_429_at_once_and_the_rest_succeed()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer,
            ["--model", $"bert={TestModels.BertTiny}", "--max-batch", "1", "--max-queue", "1"]);
        string body = SlowBertRequest();
        HttpStatusCode[] statuses = await Task.WhenAll(Enumerable.Range(0, 24).Select(async _ =>
        {
            using HttpResponseMessage response = await server.Http.PostAsync("/v2/models/bert/infer", new StringContent(body));
            return response.StatusCode;
        }));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Contains(HttpStatusCode.OK, statuses);
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, s.ToString()));
        string metrics = await server.Http.GetStringAsync("/metrics");
        Assert.DoesNotContain("outcome=\"overloaded\"} 0\n", metrics);
    }

    [Fact]
    public async Task Sigterm_drains_in_flight_requests_and_exits_0()
    {
        ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer,
            ["--model", $"bert={TestModels.BertTiny}", "--max-batch", "1"]);
        await using (server)
        {
            string body = SlowBertRequest();
            await using AotClient client = await AotClient.ConnectAsync("127.0.0.1", server.Port);
            long[] ids = [.. Enumerable.Range(0, 512).Select(i => 100L + i)];
            Task<InferResult>[] binary = [.. Enumerable.Range(0, 6).Select(_ => client.InferAsync("bert",
            [
                InputTensor.Create("input_ids", [1, 512], ids),
                InputTensor.Create("attention_mask", [1, 512], Enumerable.Repeat(1L, 512).ToArray()),
                InputTensor.Create("token_type_ids", [1, 512], new long[512]),
            ]))];
            Task<HttpResponseMessage>[] http = [.. Enumerable.Range(0, 6).Select(_ => server.Http.PostAsync("/v2/models/bert/infer", new StringContent(body)))];
            await Task.Delay(300); // let the requests arrive and queue
            int exitCode = await server.TerminateAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(0, exitCode);
            foreach (Task<HttpResponseMessage> response in http)
            {
                Assert.Equal(HttpStatusCode.OK, (await response).StatusCode);
            }

            foreach (Task<InferResult> result in binary)
            {
                using InferResult answer = await result;
                Assert.Equal(new long[] { 1, 512, 128 }, answer["last_hidden_state"].Shape);
            }

            Assert.Contains("stopped", server.Output);
        }
    }

    [Theory]
    [InlineData("m=/no/such/model.onnx", "model file '/no/such/model.onnx' was not found")]
    [InlineData("just-a-path.onnx", "is not NAME=PATH")]
    [InlineData("bad name=/x.onnx", "may contain only")]
    public async Task Bad_model_specs_fail_at_start_with_a_clear_message(string spec, string expected)
    {
        (int exitCode, string output) = await ServerProcess.RunToExitAsync(RepoPaths.BuiltServer, "serve", "--model", spec, "--http-port", "0", "--grpc-port", "0");
        Assert.NotEqual(0, exitCode);
        Assert.Contains(expected, output);
    }

    [Fact]
    public async Task A_corrupt_model_fails_at_start_naming_the_file()
    {
        string corrupt = Aot.Models.Fixtures.GetPath("corrupt");
        (int exitCode, string output) = await ServerProcess.RunToExitAsync(RepoPaths.BuiltServer, "serve", "--model", $"c={corrupt}");
        Assert.Equal(1, exitCode);
        Assert.Contains(corrupt, output);
    }

    [Fact]
    public async Task Repository_with_version_policy_all_serves_the_highest_version_by_default_and_others_by_number()
    {
        string repository = Path.Combine(Path.GetTempPath(), $"aot-repo-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path.Combine(repository, "tiny", "1"));
        Directory.CreateDirectory(Path.Combine(repository, "tiny", "3"));
        File.Copy(TestModels.Tiny, Path.Combine(repository, "tiny", "1", "model.onnx"));
        File.Copy(TestModels.Tiny, Path.Combine(repository, "tiny", "3", "model.onnx"));
        try
        {
            await using ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer, ["--repository", repository, "--version-policy", "all"]);
            string metadata = await server.Http.GetStringAsync("/v2/models/tiny");
            Assert.Contains("\"versions\":[\"3\",\"1\"]", metadata);
            string body = $$"""{"inputs":[{"name":"x","shape":[1,16],"datatype":"FP32","data":[{{string.Join(",", Enumerable.Repeat(1, 16))}}]}]}""";
            using HttpResponseMessage latest = await server.Http.PostAsync("/v2/models/tiny/infer", new StringContent(body, Encoding.UTF8));
            Assert.Contains("\"model_version\":\"3\"", await latest.Content.ReadAsStringAsync());
            using HttpResponseMessage first = await server.Http.PostAsync("/v2/models/tiny/versions/1/infer", new StringContent(body, Encoding.UTF8));
            Assert.Contains("\"model_version\":\"1\"", await first.Content.ReadAsStringAsync());
        }
        finally
        {
            Directory.Delete(repository, recursive: true);
        }
    }

    [Fact]
    public async Task Inspect_prints_the_signature_as_a_table_and_as_json()
    {
        (int exitCode, string table) = await ServerProcess.RunToExitAsync(RepoPaths.BuiltServer, "inspect", TestModels.BertTiny);
        Assert.Equal(0, exitCode);
        Assert.Contains("input_ids", table);
        Assert.Contains("[batch, sequence]", table);
        (exitCode, string json) = await ServerProcess.RunToExitAsync(RepoPaths.BuiltServer, "inspect", TestModels.BertTiny, "--json");
        Assert.Equal(0, exitCode);
        Assert.Equal("INT64", (string?)System.Text.Json.Nodes.JsonNode.Parse(json)!["inputs"]![0]!["datatype"]);
    }

    [Fact]
    public async Task A_pipelining_client_is_held_to_max_inflight_per_connection_and_every_request_is_answered()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer,
            ["--model", $"bert={TestModels.BertTiny}", "--max-batch", "1", "--max-inflight-per-connection", "4"]);
        await using AotClient client = await AotClient.ConnectAsync("127.0.0.1", server.Port);
        long[] ids = [.. Enumerable.Range(0, 256).Select(i => 100L + i)];
        InputTensor[] inputs =
        [
            InputTensor.Create("input_ids", [1, 256], ids),
            InputTensor.Create("attention_mask", [1, 256], Enumerable.Repeat(1L, 256).ToArray()),
            InputTensor.Create("token_type_ids", [1, 256], new long[256]),
        ];
        Task<InferResult>[] calls = [.. Enumerable.Range(0, 40).Select(_ => client.InferAsync("bert", inputs))];
        int most = 0;
        Task all = Task.WhenAll(calls);
        while (!all.IsCompleted)
        {
            string metrics = await server.Http.GetStringAsync("/metrics");
            string line = metrics.Split('\n').Single(l => l.StartsWith("aot_inflight_requests{model=\"bert\"", StringComparison.Ordinal));
            most = Math.Max(most, int.Parse(line.Split(' ')[1]));
        }

        foreach (Task<InferResult> call in calls)
        {
            using InferResult result = await call;
            Assert.Equal(new long[] { 1, 256, 128 }, result["last_hidden_state"].Shape);
        }

        Assert.InRange(most, 1, 4);
    }

    [Fact]
    public async Task Several_workers_serve_concurrent_and_lone_requests_correctly()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer,
            ["--model", $"tiny={TestModels.Tiny}", "--workers", "2", "--max-batch", "8"]);
        float[] Row(int seed) => [.. Enumerable.Range(0, 16).Select(i => (float)((i * seed) % 13) - 6)];

        // Reference answers, one lone request at a time (these run inline).
        await using AotClient reference = await AotClient.ConnectAsync("127.0.0.1", server.Port);
        var expected = new Dictionary<int, float[]>();
        for (int seed = 0; seed < 16; seed++)
        {
            using InferResult result = await reference.InferAsync("tiny", [InputTensor.Create("x", [1, 16], Row(seed))]);
            expected[seed] = result["y"].ToArray<float>();
        }

        AotClient[] clients = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => AotClient.ConnectAsync("127.0.0.1", server.Port)));
        try
        {
            await Task.WhenAll(clients.Select(async (client, c) =>
            {
                for (int round = 0; round < 10; round++)
                {
                    int[] seeds = [.. Enumerable.Range(0, 16).Select(i => (i + c + round) % 16)];
                    InferResult[] results = await Task.WhenAll(seeds.Select(seed => client.InferAsync("tiny", [InputTensor.Create("x", [1, 16], Row(seed))])));
                    for (int i = 0; i < seeds.Length; i++)
                    {
                        Assert.Equal(expected[seeds[i]], results[i]["y"].ToArray<float>());
                        results[i].Dispose();
                    }
                }
            }));
        }
        finally
        {
            foreach (AotClient client in clients)
            {
                await client.DisposeAsync();
            }
        }

        string metrics = await server.Http.GetStringAsync("/metrics");
        Assert.Contains("aot_requests_total{model=\"tiny\",version=\"1\",outcome=\"success\"} 656\n", metrics); // 16 + 4 × 10 × 16
        Assert.Contains("aot_inflight_requests{model=\"tiny\",version=\"1\"} 0\n", metrics);
    }

    [Fact]
    public async Task With_no_batching_delay_lone_requests_run_inline_yet_concurrent_clients_still_batch()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer, ["--model", $"bert={TestModels.BertTiny}"]);
        InputTensor[] inputs =
        [
            InputTensor.Create("input_ids", [1, 64], Enumerable.Range(0, 64).Select(i => 100L + i).ToArray()),
            InputTensor.Create("attention_mask", [1, 64], Enumerable.Repeat(1L, 64).ToArray()),
            InputTensor.Create("token_type_ids", [1, 64], new long[64]),
        ];
        AotClient[] clients = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => AotClient.ConnectAsync("127.0.0.1", server.Port)));
        try
        {
            // Each client sends one request at a time (every one a "lone" request on its connection).
            await Task.WhenAll(clients.Select(async client =>
            {
                for (int i = 0; i < 25; i++)
                {
                    using InferResult result = await client.InferAsync("bert", inputs);
                    Assert.Equal(new long[] { 1, 64, 128 }, result["last_hidden_state"].Shape);
                }
            }));
        }
        finally
        {
            foreach (AotClient client in clients)
            {
                await client.DisposeAsync();
            }
        }

        string metrics = await server.Http.GetStringAsync("/metrics");
        long Bucket(string le) => long.Parse(metrics.Split('\n').Single(l => l.StartsWith($"aot_batch_size_bucket{{model=\"bert\",version=\"1\",le=\"{le}\"}}", StringComparison.Ordinal)).Split(' ')[1]);
        Assert.True(Bucket("+Inf") > Bucket("1"), "no batch of more than one row under load:\n" + metrics);
        Assert.Contains("aot_requests_total{model=\"bert\",version=\"1\",outcome=\"success\"} 200\n", metrics);
    }
}
