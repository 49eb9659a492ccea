using System.Text.Json.Nodes;
using Aot.Client;
using Aot.Protocol;
using Aot.Protocol.Wire;

namespace Aot.Server.Tests.EndToEnd;

public sealed class BinaryProtocolTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static float[] TinyRow(int seed) => [.. Enumerable.Range(0, 16).Select(i => (float)((i * seed) % 11) - 5)];

    private async Task<float[]> TinyOverHttpAsync(float[] row)
    {
        string body = $$"""{"inputs":[{"name":"x","shape":[1,16],"datatype":"FP32","data":[{{string.Join(",", row)}}]}]}""";
        using HttpResponseMessage response = await fixture.Server.Http.PostAsync("/v2/models/tiny/infer", new StringContent(body));
        JsonNode json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        return [.. json["outputs"]![0]!["data"]!.AsArray().Select(v => (float)v!)];
    }

    [Fact]
    public async Task Tcp_and_unix_socket_answer_like_http()
    {
        float[] row = TinyRow(3);
        float[] expected = await TinyOverHttpAsync(row);
        await using AotClient tcp = await AotClient.ConnectAsync("127.0.0.1", fixture.Server.Port);
        await using AotClient unix = await AotClient.ConnectUnixAsync(fixture.Server.UnixSocket!);
        foreach (AotClient client in new[] { tcp, unix })
        {
            using InferResult result = await client.InferAsync("tiny", [InputTensor.Create("x", [1, 16], row)]);
            OutputTensor y = result["y"];
            Assert.Equal(new long[] { 1, 16 }, y.Shape);
            Assert.Equal(ElementType.Float, y.DataType);
            Assert.Equal(expected, y.ToArray<float>());
        }
    }

    [Fact]
    public async Task Many_requests_in_flight_on_one_connection_each_get_their_answer_and_batch()
    {
        await using AotClient client = await AotClient.ConnectAsync("127.0.0.1", fixture.Server.Port);
        float[][] rows = [.. Enumerable.Range(1, 64).Select(TinyRow)];
        float[][] expected = await Task.WhenAll(rows.Take(4).Select(TinyOverHttpAsync));
        for (int round = 0; round < 3; round++)
        {
            Task<InferResult>[] calls = [.. rows.Select(r => client.InferAsync("tiny", [InputTensor.Create("x", [1, 16], r)]))];
            InferResult[] results = await Task.WhenAll(calls);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.Equal(expected[i], results[i]["y"].ToArray<float>());
            }

            foreach (InferResult result in results)
            {
                result.Dispose();
            }
        }

        // The batch size histogram shows batches of more than one row.
        string metrics = await fixture.Server.Http.GetStringAsync("/metrics");
        long Bucket(string le) => long.Parse(metrics.Split('\n').Single(l => l.StartsWith($"aot_batch_size_bucket{{model=\"tiny\",version=\"1\",le=\"{le}\"}}", StringComparison.Ordinal)).Split(' ')[1]);
        Assert.True(Bucket("+Inf") > Bucket("1"), "no batch of more than one row:\n" + metrics);
        Assert.Contains("aot_requests_total{model=\"tiny\",version=\"1\",outcome=\"success\"}", metrics);
    }

    [Fact]
    public async Task Errors_come_back_as_error_frames_and_the_connection_keeps_serving()
    {
        await using AotClient client = await AotClient.ConnectAsync("127.0.0.1", fixture.Server.Port);
        var notFound = await Assert.ThrowsAsync<AotServerException>(() => client.InferAsync("nope", [InputTensor.Create("x", [1, 16], TinyRow(1))]));
        Assert.Equal(ErrorCode.NotFound, notFound.Code);
        var wrongType = await Assert.ThrowsAsync<AotServerException>(() => client.InferAsync("tiny", [InputTensor.Create("x", [1, 16], new long[16])]));
        Assert.Equal(ErrorCode.BadRequest, wrongType.Code);
        Assert.Contains("expects datatype FP32", wrongType.ServerMessage);
        var wrongLength = await Assert.ThrowsAsync<AotServerException>(() => client.InferAsync("tiny", [new InputTensor("x", ElementType.Float, [1, 16], new byte[60])]));
        Assert.Contains("needs 64 bytes but got 60", wrongLength.ServerMessage);
        var missing = await Assert.ThrowsAsync<AotServerException>(() => client.InferAsync("bert", [InputTensor.Create("input_ids", [1, 2], new long[2])]));
        Assert.Contains("Missing input 'attention_mask'", missing.ServerMessage);
        var tooBig = await Assert.ThrowsAsync<AotServerException>(() => client.InferAsync("tiny", [InputTensor.Create("x", [1 << 15, 16], new float[16 << 15])]));
        Assert.Equal(ErrorCode.PayloadTooLarge, tooBig.Code);

        using InferResult ok = await client.InferAsync("tiny", [InputTensor.Create("x", [1, 16], TinyRow(1))]);
        Assert.Equal(16, ok["y"].ToArray<float>().Length);
        Assert.True(await client.PingAsync("hello"u8.ToArray()) > TimeSpan.Zero);
        JsonNode server = JsonNode.Parse(await client.GetMetadataJsonAsync())!;
        Assert.Contains(server["models"]!.AsArray(), m => (string?)m!["name"] == "tiny");
        JsonNode tiny = JsonNode.Parse(await client.GetMetadataJsonAsync("tiny"))!;
        Assert.Equal("x", (string?)tiny["inputs"]![0]!["name"]);
    }

    [Fact]
    public async Task Padded_sequences_and_output_selection_over_the_binary_protocol()
    {
        await using AotClient client = await AotClient.ConnectAsync("127.0.0.1", fixture.Server.Port);
        Task<InferResult>[] calls = [.. new[] { 3, 9, 5 }.Select(length => client.InferAsync("bert",
        [
            InputTensor.Create("input_ids", [1, length], Enumerable.Range(0, length).Select(i => 100L + i).ToArray()),
            InputTensor.Create("attention_mask", [1, length], Enumerable.Repeat(1L, length).ToArray()),
            InputTensor.Create("token_type_ids", [1, length], new long[length]),
        ], new InferOptions { Outputs = ["last_hidden_state"], Timeout = TimeSpan.FromSeconds(30) }))];
        InferResult[] results = await Task.WhenAll(calls);
        Assert.Equal(new long[] { 1, 3, 128 }, results[0]["last_hidden_state"].Shape);
        Assert.Equal(new long[] { 1, 9, 128 }, results[1]["last_hidden_state"].Shape);
        Assert.Equal(new long[] { 1, 5, 128 }, results[2]["last_hidden_state"].Shape);
        foreach (InferResult result in results)
        {
            Assert.Single(result.Outputs);
            result.Dispose();
        }
    }

    [Fact]
    public async Task A_corrupt_header_closes_only_that_connection()
    {
        await using AotClient bad = await AotClient.ConnectAsync("127.0.0.1", fixture.Server.Port);
        byte[] garbage = new byte[FrameHeader.Size];
        new FrameHeader(0, FrameType.Ping, 5).Write(garbage);
        garbage[6] = 0xFF; // reserved bytes must be zero
        Task<AotClient.Frame> answer = bad.ExpectAnswer(5);
        await bad.SendRawAsync(garbage);
        AotClient.Frame frame = await answer.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(FrameType.Error, frame.Type);
        await Assert.ThrowsAnyAsync<IOException>(() => bad.PingAsync().WaitAsync(TimeSpan.FromSeconds(10)));

        await using AotClient good = await AotClient.ConnectAsync("127.0.0.1", fixture.Server.Port);
        Assert.True(await good.PingAsync() > TimeSpan.Zero);
    }
}
