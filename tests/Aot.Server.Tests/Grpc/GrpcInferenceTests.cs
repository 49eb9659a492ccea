using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aot.Server.Tests.EndToEnd;
using Google.Protobuf;
using Grpc.Net.Client;
using Inference;
using static Aot.Server.Tests.Grpc.GrpcTestClient;

namespace Aot.Server.Tests.Grpc;

/// <summary>KServe V2 over gRPC with Grpc.Net.Client: health, metadata, and answers equal to the REST route's, in typed and raw contents.</summary>
public sealed class GrpcInferenceTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly GrpcChannel _channel = Channel(fixture.Server);

    private GRPCInferenceService.GRPCInferenceServiceClient Client => InferenceClient(_channel);

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task Health_and_metadata_answer_like_the_REST_routes()
    {
        Assert.True((await Client.ServerLiveAsync(new ServerLiveRequest())).Live);
        Assert.True((await Client.ServerReadyAsync(new ServerReadyRequest())).Ready);
        Assert.True((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "tiny" })).Ready);
        Assert.True((await Client.ModelReadyAsync(new ModelReadyRequest { Name = "tiny", Version = "1" })).Ready);
        Assert.Equal("aot", (await Client.ServerMetadataAsync(new ServerMetadataRequest())).Name);

        ModelMetadataResponse bert = await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "bert" });
        JsonNode rest = JsonNode.Parse(await fixture.Server.Http.GetStringAsync("/v2/models/bert"))!;
        Assert.Equal("bert", bert.Name);
        Assert.Equal(["1"], bert.Versions);
        Assert.Equal((string?)rest["platform"], bert.Platform);
        Assert.Equal(rest["inputs"]!.AsArray().Select(static i => (string)i!["name"]!), bert.Inputs.Select(static i => i.Name));
        Assert.Equal("INT64", bert.Inputs[0].Datatype);
        Assert.Equal(rest["inputs"]![0]!["shape"]!.AsArray().Select(static d => (long)d!), bert.Inputs[0].Shape);
        Assert.Equal("last_hidden_state", bert.Outputs[0].Name);
    }

    [Fact]
    public async Task Tiny_model_answers_equal_REST_with_typed_and_raw_contents()
    {
        float[] expected = await RestTinyAsync(rows: 3);

        ModelInferResponse typed = await Client.ModelInferAsync(TinyTyped(rows: 3));
        Assert.Equal("tiny", typed.ModelName);
        Assert.Equal("1", typed.ModelVersion);
        Assert.Empty(typed.RawOutputContents);
        Assert.Equal([3L, 16], typed.Outputs[0].Shape);
        Assert.Equal("FP32", typed.Outputs[0].Datatype);
        Assert.Equal(expected, typed.Outputs[0].Contents.Fp32Contents);

        ModelInferRequest rawRequest = TinyRaw(rows: 3);
        rawRequest.Id = "req-7";
        ModelInferResponse raw = await Client.ModelInferAsync(rawRequest);
        Assert.Equal("req-7", raw.Id);
        Assert.Null(raw.Outputs[0].Contents);
        Assert.Single(raw.RawOutputContents);
        Assert.Equal(expected, Floats(raw.RawOutputContents[0]));
    }

    [Fact]
    public async Task Bert_answers_equal_REST_with_typed_and_raw_contents()
    {
        long[] ids = [101, 7592, 2088, 2003, 1037, 3231, 102];
        string body = $$"""{"inputs":[{"name":"input_ids","shape":[1,7],"datatype":"INT64","data":[{{string.Join(",", ids)}}]},{"name":"attention_mask","shape":[1,7],"datatype":"INT64","data":[1,1,1,1,1,1,1]},{"name":"token_type_ids","shape":[1,7],"datatype":"INT64","data":[0,0,0,0,0,0,0]}]}""";
        using HttpResponseMessage response = await fixture.Server.Http.PostAsync("/v2/models/bert/infer", new StringContent(body));
        JsonNode rest = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        float[] expected = [.. rest["outputs"]![0]!["data"]!.AsArray().Select(static v => (float)v!)];

        var typed = new ModelInferRequest { ModelName = "bert" };
        var raw = new ModelInferRequest { ModelName = "bert" };
        foreach ((string name, long[] values) in new[] { ("input_ids", ids), ("attention_mask", new long[] { 1, 1, 1, 1, 1, 1, 1 }), ("token_type_ids", new long[7]) })
        {
            ModelInferRequest.Types.InferInputTensor input = Input(name, "INT64", 1, 7);
            input.Contents = new InferTensorContents();
            input.Contents.Int64Contents.Add(values);
            typed.Inputs.Add(input);
            raw.Inputs.Add(Input(name, "INT64", 1, 7));
            raw.RawInputContents.Add(ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())));
        }

        ModelInferResponse typedAnswer = await Client.ModelInferAsync(typed);
        ModelInferResponse rawAnswer = await Client.ModelInferAsync(raw);
        Assert.Equal([1L, 7, 128], typedAnswer.Outputs[0].Shape);
        Assert.Equal([1L, 7, 128], rawAnswer.Outputs[0].Shape);
        AssertClose(expected, [.. typedAnswer.Outputs[0].Contents.Fp32Contents]);
        AssertClose(expected, Floats(rawAnswer.RawOutputContents[0]));
    }

    [Fact]
    public async Task Requested_outputs_only_are_answered()
    {
        ModelInferRequest request = TinyRaw(rows: 1);
        request.Outputs.Add(new ModelInferRequest.Types.InferRequestedOutputTensor { Name = "y" });
        ModelInferResponse answer = await Client.ModelInferAsync(request);
        Assert.Equal("y", Assert.Single(answer.Outputs).Name);
    }

    private async Task<float[]> RestTinyAsync(int rows)
    {
        string data = string.Join(",", TinyValues(rows).Select(static v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using HttpResponseMessage response = await fixture.Server.Http.PostAsync("/v2/models/tiny/infer", new StringContent($$"""{"inputs":[{"name":"x","shape":[{{rows}},16],"datatype":"FP32","data":[{{data}}]}]}"""));
        JsonNode rest = (await response.Content.ReadFromJsonAsync<JsonNode>())!;
        return [.. rest["outputs"]![0]!["data"]!.AsArray().Select(static v => (float)v!)];
    }

    /// <summary>Equal up to float rounding: a request may share a batch (padded) with another test's.</summary>
    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-4f * Math.Max(1, Math.Abs(expected[i])), $"element {i}: {expected[i]} vs {actual[i]}");
        }
    }
}
