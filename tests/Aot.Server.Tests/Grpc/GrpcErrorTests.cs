using Aot.Server.Tests.EndToEnd;
using Aot.Server.Tests.Infrastructure;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using Inference;
using static Aot.Server.Tests.Grpc.GrpcTestClient;

namespace Aot.Server.Tests.Grpc;

/// <summary>
/// Bad requests over gRPC get Triton's status codes and a message naming what was wrong, and the server keeps serving:
/// every test ends with a good request on the same channel.
/// </summary>
public sealed class GrpcErrorTests(ServerFixture fixture) : IClassFixture<ServerFixture>, IDisposable
{
    private readonly GrpcChannel _channel = Channel(fixture.Server);

    private GRPCInferenceService.GRPCInferenceServiceClient Client => InferenceClient(_channel);

    public void Dispose() => _channel.Dispose();

    [Fact]
    public async Task Unknown_model_is_NOT_FOUND_naming_the_served_models()
    {
        ModelInferRequest request = TinyRaw(1);
        request.ModelName = "nope";
        RpcException error = await FailsAsync(request, StatusCode.NotFound);
        Assert.Contains("Unknown model 'nope'. Served models: ", error.Status.Detail);
        Assert.Contains("tiny", error.Status.Detail);

        request.ModelName = "tiny";
        request.ModelVersion = "9";
        Assert.Contains("Model 'tiny' has no version '9'; it has 1.", (await FailsAsync(request, StatusCode.NotFound)).Status.Detail);
        RpcException metadata = await Assert.ThrowsAsync<RpcException>(async () => await Client.ModelMetadataAsync(new ModelMetadataRequest { Name = "nope" }));
        Assert.Equal(StatusCode.NotFound, metadata.StatusCode);
        await StillServesAsync();
    }

    [Fact]
    public async Task Wrong_input_name_is_INVALID_ARGUMENT_listing_the_inputs()
    {
        ModelInferRequest request = TinyRaw(1);
        request.Inputs[0].Name = "input";
        Assert.Equal("The model has no input named 'input'; its inputs are: x.", (await FailsAsync(request, StatusCode.InvalidArgument)).Status.Detail);
        await StillServesAsync();
    }

    [Fact]
    public async Task Wrong_datatype_is_INVALID_ARGUMENT_naming_both_types()
    {
        ModelInferRequest request = TinyRaw(1);
        request.Inputs[0].Datatype = "FP64";
        Assert.Equal("Input 'x' expects datatype FP32 but got 'FP64'.", (await FailsAsync(request, StatusCode.InvalidArgument)).Status.Detail);

        ModelInferRequest typed = TinyTyped(1);
        typed.Inputs[0].Contents = new InferTensorContents { Fp64Contents = { new double[16] } };
        Assert.Equal("Input 'x' is FP32: its values go in contents.fp32_contents, but the request filled contents.fp64_contents.", (await FailsAsync(typed, StatusCode.InvalidArgument)).Status.Detail);
        await StillServesAsync();
    }

    [Fact]
    public async Task Wrong_shape_is_INVALID_ARGUMENT_with_the_expected_shape()
    {
        ModelInferRequest request = TinyTyped(1);
        request.Inputs[0].Shape[1] = 15;
        request.Inputs[0].Contents.Fp32Contents.RemoveAt(0);
        Assert.Contains("Input 'x' has shape [1, 15] but the model expects", (await FailsAsync(request, StatusCode.InvalidArgument)).Status.Detail);

        ModelInferRequest rank = TinyTyped(1);
        rank.Inputs[0].Shape.Add(1);
        Assert.StartsWith("Input 'x' expects rank 2", (await FailsAsync(rank, StatusCode.InvalidArgument)).Status.Detail);

        ModelInferRequest count = TinyTyped(2);
        count.Inputs[0].Contents.Fp32Contents.RemoveAt(0);
        Assert.Equal("Input 'x' needs 32 values in contents.fp32_contents for its shape but got 31.", (await FailsAsync(count, StatusCode.InvalidArgument)).Status.Detail);
        await StillServesAsync();
    }

    [Fact]
    public async Task Raw_contents_of_the_wrong_length_are_INVALID_ARGUMENT_with_both_lengths()
    {
        ModelInferRequest request = TinyRaw(1);
        request.RawInputContents[0] = ByteString.CopyFrom(request.RawInputContents[0].Span[..60]);
        Assert.Equal("Input 'x' with shape [1, 16] and datatype FP32 needs 64 bytes but raw_input_contents[0] has 60.", (await FailsAsync(request, StatusCode.InvalidArgument)).Status.Detail);

        ModelInferRequest extra = TinyRaw(1);
        extra.RawInputContents.Add(ByteString.Empty);
        Assert.StartsWith("raw_input_contents has 2 entries but the request has 1 inputs", (await FailsAsync(extra, StatusCode.InvalidArgument)).Status.Detail);
        await StillServesAsync();
    }

    [Fact]
    public async Task A_message_over_the_payload_limit_is_RESOURCE_EXHAUSTED()
    {
        // The fixture's --max-payload-bytes is 1 MiB: 20000 rows of 16 floats are 1.28 MB.
        RpcException error = await FailsAsync(TinyRaw(20_000), StatusCode.ResourceExhausted);
        Assert.Contains("exceeds the maximum configured message size", error.Status.Detail);
        await StillServesAsync();
    }

    [Fact]
    public async Task Half_precision_has_no_typed_field_and_says_to_send_raw_contents()
    {
        ModelInferRequest request = new() { ModelName = ServerFixture.IdentityModel(Aot.Protocol.ElementType.Float16), Inputs = { Input("x", "FP16", 1, 3) } };
        request.Inputs[0].Contents = new InferTensorContents { Fp32Contents = { 1, 2, 3 } };
        Assert.Equal("Input 'x' is FP16, which has no typed field in InferTensorContents; send it in raw_input_contents.", (await FailsAsync(request, StatusCode.InvalidArgument)).Status.Detail);
        await StillServesAsync();
    }

    [Fact]
    public async Task A_full_queue_is_RESOURCE_EXHAUSTED_and_the_rest_succeed()
    {
        await using ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer,
            ["--model", $"bert={TestModels.BertTiny}", "--max-batch", "1", "--max-queue", "1"]);
        using GrpcChannel channel = Channel(server);
        GRPCInferenceService.GRPCInferenceServiceClient client = InferenceClient(channel);
        var request = new ModelInferRequest { ModelName = "bert" };
        long[] ids = [.. Enumerable.Range(0, 512).Select(static i => 100L + i)];
        foreach ((string name, long[] values) in new[] { ("input_ids", ids), ("attention_mask", Enumerable.Repeat(1L, 512).ToArray()), ("token_type_ids", new long[512]) })
        {
            request.Inputs.Add(Input(name, "INT64", 1, 512));
            request.RawInputContents.Add(ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())));
        }

        (StatusCode Code, string Detail)[] outcomes = await Task.WhenAll(Enumerable.Range(0, 24).Select(async _ =>
        {
            try
            {
                await client.ModelInferAsync(request);
                return (StatusCode.OK, "");
            }
            catch (RpcException ex)
            {
                return (ex.StatusCode, ex.Status.Detail);
            }
        }));

        Assert.Contains(outcomes, static o => o.Code == StatusCode.OK);
        Assert.Contains(outcomes, static o => o.Code == StatusCode.ResourceExhausted && o.Detail == "Model 'bert' is overloaded: its queue is full (--max-queue 1).");
        Assert.All(outcomes, static o => Assert.True(o.Code is StatusCode.OK or StatusCode.ResourceExhausted, o.ToString()));
        string metrics = await server.Http.GetStringAsync("/metrics");
        Assert.Contains("aot_requests_by_protocol_total{model=\"bert\",version=\"1\",protocol=\"grpc\"} 24\n", metrics);
        Assert.DoesNotContain("outcome=\"overloaded\"} 0\n", metrics);
        await client.ModelInferAsync(request);
    }

    private async Task<RpcException> FailsAsync(ModelInferRequest request, StatusCode expected)
    {
        RpcException error = await Assert.ThrowsAsync<RpcException>(async () => await Client.ModelInferAsync(request));
        Assert.True(error.StatusCode == expected, $"expected {expected}, got {error.StatusCode}: {error.Status.Detail}");
        return error;
    }

    private async Task StillServesAsync()
    {
        ModelInferResponse answer = await Client.ModelInferAsync(TinyRaw(2));
        Assert.Equal([2L, 16], answer.Outputs[0].Shape);
    }
}
