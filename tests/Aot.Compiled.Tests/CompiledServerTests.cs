using System.Diagnostics;
using System.Net;
using Aot.Client;
using Aot.Client.Typed;
using Aot.Compiled.Tests.Infrastructure;
using Aot.Runtime;
using Aot.Protocol;

namespace Aot.Compiled.Tests;

/// <summary>The natively published example against `aot serve` on the same model files.</summary>
public sealed class CompiledServerTests(CompiledServers servers, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<CompiledServers>
{
    [Fact]
    public void Publishing_the_example_natively_reports_no_trim_or_aot_warnings()
    {
        Assert.DoesNotMatch(@"warning IL\d{4}", servers.PublishOutput);
        Assert.DoesNotMatch(@"warning [A-Z]+\d{4}", servers.PublishOutput);
        // MiniLM (90 MB) and tiny are inside the executable.
        Assert.True(new FileInfo(servers.Executable).Length > 90L << 20);
    }

    [Fact]
    public void Embedded_models_load_from_memory_and_use_the_compiled_validation()
    {
        Assert.Contains("loaded compiled-in 'minilm' v1 from embedded all-MiniLM-L6-v2.onnx", servers.Compiled.Output);
        Assert.Contains("loaded compiled-in 'tiny' v1 from embedded tiny.onnx", servers.Compiled.Output);
        Assert.Contains("signature verified, compiled validation", servers.Compiled.Output);
    }

    [Theory]
    [InlineData("minilm", null)]
    [InlineData("minilm", "924")]
    [InlineData("tiny", null)]
    public async Task KServe_V2_answers_are_the_same_as_aot_serve(string model, string? selectedOutput)
    {
        string body = model == "tiny"
            ? """{"inputs":[{"name":"x","shape":[2,16],"datatype":"FP32","data":[[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16],[-1,0.5,3,4,5,6,7,8,9,10,11,12,13,14,15,-16]]}]}"""
            : Tokens.KServeBody(selectedOutput);

        (HttpStatusCode compiledStatus, string compiled) = await servers.Compiled.PostAsync($"/v2/models/{model}/infer", body);
        (HttpStatusCode runtimeStatus, string runtime) = await servers.Runtime.PostAsync($"/v2/models/{model}/infer", body);

        Assert.Equal(HttpStatusCode.OK, compiledStatus);
        Assert.Equal(HttpStatusCode.OK, runtimeStatus);
        Assert.Equal(runtime, compiled);
    }

    [Fact]
    public async Task gRPC_answers_and_health_are_the_same_as_aot_serve()
    {
        float[] x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
        var request = new Inference.ModelInferRequest { ModelName = "tiny" };
        request.Inputs.Add(new Inference.ModelInferRequest.Types.InferInputTensor { Name = "x", Datatype = "FP32", Shape = { 1, 16 } });
        request.RawInputContents.Add(Google.Protobuf.ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan())));
        var answers = new List<Inference.ModelInferResponse>();
        foreach (ServerProcess server in new[] { servers.Compiled, servers.Runtime })
        {
            using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(server.GrpcAddress);
            answers.Add(await new Inference.GRPCInferenceService.GRPCInferenceServiceClient(channel).ModelInferAsync(request));
            var health = await new Grpc.Health.V1.Health.HealthClient(channel).CheckAsync(new Grpc.Health.V1.HealthCheckRequest { Service = "minilm" });
            Assert.Equal(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        }

        Assert.Equal(answers[1].Outputs, answers[0].Outputs);
        Assert.Equal(answers[1].RawOutputContents, answers[0].RawOutputContents);
    }

    [Fact]
    public async Task Metadata_and_TF_Serving_answers_are_the_same_as_aot_serve()
    {
        Assert.Equal(await servers.Runtime.Http.GetStringAsync("/v2/models/minilm"), await servers.Compiled.Http.GetStringAsync("/v2/models/minilm"));
        string instances = """{"instances":[[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]]}""";
        Assert.Equal((await servers.Runtime.PostAsync("/v1/models/tiny:predict", instances)).Body, (await servers.Compiled.PostAsync("/v1/models/tiny:predict", instances)).Body);
    }

    [Theory]
    [InlineData("""{"inputs":[{"name":"x","shape":[1,15],"datatype":"FP32","data":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]}]}""", "tiny")]
    [InlineData("""{"inputs":[{"name":"x","shape":[0,16],"datatype":"FP32","data":[]}]}""", "tiny")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1,16],"datatype":"INT64","data":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}]}""", "tiny")]
    [InlineData("""{"inputs":[{"name":"input_ids","shape":[1,2],"datatype":"INT64","data":[101,102]},{"name":"attention_mask","shape":[1,3],"datatype":"INT64","data":[1,1,1]},{"name":"token_type_ids","shape":[1,2],"datatype":"INT64","data":[0,0]}]}""", "minilm")]
    [InlineData("""{"inputs":[{"name":"input_ids","shape":[1,2],"datatype":"INT64","data":[101,102]},{"name":"attention_mask","shape":[1,2],"datatype":"INT64","data":[1,1]}]}""", "minilm")]
    public async Task Bad_requests_get_the_same_error_as_from_aot_serve(string body, string model)
    {
        (HttpStatusCode compiledStatus, string compiled) = await servers.Compiled.PostAsync($"/v2/models/{model}/infer", body);
        (HttpStatusCode runtimeStatus, string runtime) = await servers.Runtime.PostAsync($"/v2/models/{model}/infer", body);

        Assert.Equal(HttpStatusCode.BadRequest, compiledStatus);
        Assert.Equal(runtimeStatus, compiledStatus);
        Assert.Equal(runtime, compiled);
    }

    [Fact]
    public async Task The_typed_client_gets_the_same_outputs_as_the_generic_client_from_aot_serve()
    {
        await using TypedConnection connection = await TypedConnection.ConnectUnixAsync(servers.Compiled.UnixSocket!);
        var typed = new MiniLm.Client(connection);
        Tokens.Ids.CopyTo(typed.InputIds(1, Tokens.Ids.Length));
        typed.AttentionMask(1, Tokens.Ids.Length).Fill(1);
        typed.TokenTypeIds(1, Tokens.Ids.Length).Clear();
        await typed.InferAsync();

        await using AotClient generic = await AotClient.ConnectAsync("127.0.0.1", servers.Runtime.Port);
        using InferResult expected = await generic.InferAsync("minilm",
        [
            InputTensor.Create("input_ids", [1, Tokens.Ids.Length], Tokens.Ids),
            InputTensor.Create("attention_mask", [1, Tokens.Ids.Length], Tokens.Ids.Select(_ => 1L).ToArray()),
            InputTensor.Create("token_type_ids", [1, Tokens.Ids.Length], new long[Tokens.Ids.Length]),
        ]);

        Assert.Equal(expected["last_hidden_state"].Shape, typed.LastHiddenStateShape.ToArray());
        Assert.Equal(expected["last_hidden_state"].ToArray<float>(), typed.LastHiddenState.ToArray());
        Assert.Equal(expected["924"].Shape, typed.Output924Shape.ToArray());
        Assert.Equal(expected["924"].ToArray<float>(), typed.Output924.ToArray());
        Assert.Equal([1L, Tokens.Ids.Length, 384L], typed.LastHiddenStateShape.ToArray());
    }

    [Fact]
    public async Task The_typed_client_also_talks_to_aot_serve_and_reports_server_errors()
    {
        await using TypedConnection connection = await TypedConnection.ConnectAsync("127.0.0.1", servers.Runtime.Port);
        var typed = new MiniLm.Client(connection);
        typed.InputIds(1, 3).Fill(101);
        typed.AttentionMask(1, 4).Fill(1);   // disagrees with input_ids on sequence_length
        typed.TokenTypeIds(1, 3).Clear();

        AotServerException error = await Assert.ThrowsAsync<AotServerException>(async () => await typed.InferAsync());
        Assert.Equal(Aot.Protocol.ErrorCode.BadRequest, error.Code);
        Assert.StartsWith("Inputs 'input_ids' and 'attention_mask' disagree on dimension", error.ServerMessage, StringComparison.Ordinal);

        // The same instance is usable again after an error.
        typed.AttentionMask(1, 3).Fill(1);
        await typed.InferAsync();
        Assert.Equal([1L, 384L], typed.Output924Shape.ToArray());
    }

    [Fact]
    public async Task Many_typed_requests_in_flight_on_one_connection_get_their_own_answers()
    {
        using var reference = new Tiny(TestModels.Tiny);
        await using TypedConnection connection = await TypedConnection.ConnectAsync("127.0.0.1", servers.Compiled.Port);
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
        {
            var request = new Tiny.Client(connection);
            for (int call = 0; call < 40; call++)
            {
                int rows = 1 + ((worker + call) % 3);
                Span<float> x = request.X(rows);
                for (int i = 0; i < x.Length; i++)
                {
                    x[i] = (worker * 1000) + (call * 10) + (i * 0.25f);
                }

                float[] input = x.ToArray();
                await request.InferAsync();
                float[] expected;
                lock (reference)
                {
                    input.CopyTo(reference.X(rows));
                    reference.Run();
                    expected = reference.Y.ToArray();
                }

                Assert.Equal(expected, request.Y.ToArray());
                Assert.Equal([rows, 16L], request.YShape.ToArray());
            }
        }));
    }

    [Fact]
    public async Task The_typed_client_allocates_nothing_per_call_in_steady_state()
    {
        await using TypedConnection connection = await TypedConnection.ConnectUnixAsync(servers.Compiled.UnixSocket!);
        var request = new Tiny.Client(connection);
        request.X(1).Fill(0.5f);
        for (int i = 0; i < 500; i++)
        {
            await request.InferAsync();
        }

        // Process-wide, so whatever else runs meanwhile (tests of other classes in parallel, the server output readers)
        // counts too; that only adds, so the quietest of three rounds is the client's own figure.
        const int Calls = 2000;
        long fewest = long.MaxValue;
        for (int round = 0; round < 3; round++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < Calls; i++)
            {
                await request.InferAsync();
            }

            long total = GC.GetTotalAllocatedBytes(precise: true) - before;
            output.WriteLine($"typed client, round {round + 1}: {total} bytes allocated process-wide over {Calls} calls ({(double)total / Calls:F2} B/call)");
            fewest = Math.Min(fewest, total);
        }

        long perCall = fewest / Calls;
        Assert.True(perCall < 8, $"{perCall} bytes allocated per typed call in the quietest of three rounds");
    }

    [Fact]
    public async Task A_model_file_that_does_not_match_the_compiled_signature_fails_start_up_listing_every_difference()
    {
        List<string> differences;
        using (OnnxModel bert = OnnxModel.Load(TestModels.BertTiny))
        {
            differences = [.. Assert.Throws<ModelSignatureMismatchException>(() => ModelSignature.EnsureMatches(bert, MiniLm.InputSpecs, MiniLm.OutputSpecs)).Differences];
        }

        (int exitCode, string output) = await ServerProcess.RunToExitAsync(
            servers.Executable, "serve", "--host", "127.0.0.1", "--http-port", "0", "--port", "0", "--grpc-port", "0", "--model", $"minilm={TestModels.BertTiny}");

        Assert.Equal(1, exitCode);
        Assert.Contains($"aot: error: Model 'minilm' ({TestModels.BertTiny}) does not match the signature compiled into this server from all-MiniLM-L6-v2.onnx:", output);
        Assert.NotEmpty(differences);
        foreach (string difference in differences)
        {
            Assert.Contains("  - " + difference, output);
        }
    }

    [Fact]
    public async Task A_matching_file_given_at_run_time_replaces_the_embedded_one()
    {
        ServerProcess server = await ServerProcess.StartAsync(servers.Executable, ["--model", $"tiny={TestModels.Tiny}"]);
        await using (server)
        {
            Assert.Contains($"loaded compiled-in 'tiny' v1 from {TestModels.Tiny}", server.Output);
            string body = """{"inputs":[{"name":"x","shape":[1,16],"datatype":"FP32","data":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}]}""";
            Assert.Equal((await servers.Runtime.PostAsync("/v2/models/tiny/infer", body)).Body, (await server.PostAsync("/v2/models/tiny/infer", body)).Body);
        }
    }
}
