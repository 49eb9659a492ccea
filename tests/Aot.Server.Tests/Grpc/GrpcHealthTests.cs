using Aot.Server.Grpc;
using Aot.Server.Batching;
using Aot.Server.Hosting;
using Aot.Server.Models;
using Aot.Server.Tests.EndToEnd;
using Aot.Server.Tests.Infrastructure;
using Aot.Runtime;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using static Grpc.Health.V1.HealthCheckResponse.Types;

namespace Aot.Server.Tests.Grpc;

/// <summary>grpc.health.v1 (what Kubernetes' gRPC probes call): SERVING only once models are ready, NOT_SERVING while draining.</summary>
public sealed class GrpcHealthTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Check_answers_for_the_server_the_inference_service_and_each_model()
    {
        using GrpcChannel channel = GrpcTestClient.Channel(fixture.Server);
        var health = new Health.HealthClient(channel);
        foreach (string service in new[] { "", "inference.GRPCInferenceService", "tiny", "bert" })
        {
            Assert.Equal(ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = service })).Status);
        }

        RpcException unknown = await Assert.ThrowsAsync<RpcException>(async () => await health.CheckAsync(new HealthCheckRequest { Service = "nope" }));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("Unknown health service 'nope'", unknown.Status.Detail);
        Assert.Contains("tiny", unknown.Status.Detail);
    }

    [Fact]
    public async Task Watch_says_NOT_SERVING_when_SIGTERM_starts_the_drain_then_ends()
    {
        ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer, ["--model", $"tiny={TestModels.Tiny}"]);
        await using (server)
        {
            using GrpcChannel channel = GrpcTestClient.Channel(server);
            var health = new Health.HealthClient(channel);
            using AsyncServerStreamingCall<HealthCheckResponse> server_ = health.Watch(new HealthCheckRequest { Service = "" });
            using AsyncServerStreamingCall<HealthCheckResponse> model = health.Watch(new HealthCheckRequest { Service = "tiny" });
            Assert.True(await server_.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(ServingStatus.Serving, server_.ResponseStream.Current.Status);
            Assert.True(await model.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(ServingStatus.Serving, model.ResponseStream.Current.Status);

            Task<int> exit = server.TerminateAsync(TimeSpan.FromSeconds(60));
            Assert.True(await server_.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(ServingStatus.NotServing, server_.ResponseStream.Current.Status);
            Assert.True(await model.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(ServingStatus.NotServing, model.ResponseStream.Current.Status);

            // The watches end, so they do not hold the drain up: the server exits cleanly.
            Assert.False(await server_.ResponseStream.MoveNext(CancellationToken.None));
            Assert.Equal(0, await exit);
        }
    }

    [Fact]
    public void Statuses_follow_model_readiness_and_the_drain()
    {
        using ModelRepository repository = ModelLoader.Load([new ModelSource("tiny", 1, TestModels.Tiny)], new ModelOptions { IntraOpThreads = 1 }, new BatcherOptions(), _ => { });
        var state = new ServerState();
        var health = new GrpcHealthService(repository, state);
        ServedModel tiny = repository.All[0];

        // Loaded and warm, but the server is not listening yet.
        Assert.Equal(ServingStatus.NotServing, health.StatusOf(""));
        Assert.Equal(ServingStatus.NotServing, health.StatusOf("tiny"));

        state.MarkReady();
        Assert.Equal(ServingStatus.Serving, health.StatusOf(""));
        Assert.Equal(ServingStatus.Serving, health.StatusOf(GrpcHealthService.InferenceService));
        Assert.Equal(ServingStatus.Serving, health.StatusOf("tiny"));
        Assert.Equal(ServingStatus.ServiceUnknown, health.StatusOf("other"));

        tiny.IsReady = false; // a model not (yet) ready holds the server back too
        Assert.Equal(ServingStatus.NotServing, health.StatusOf("tiny"));
        Assert.Equal(ServingStatus.NotServing, health.StatusOf(""));
        tiny.IsReady = true;

        Task changed = state.Changed;
        state.MarkStopping();
        Assert.True(changed.IsCompleted);
        Assert.Equal(ServingStatus.NotServing, health.StatusOf(""));
        Assert.Equal(ServingStatus.NotServing, health.StatusOf("tiny"));
    }
}
