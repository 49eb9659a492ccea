using System.Net;
using System.Net.Sockets;
using Aot.Client;
using Aot.Client.Typed;
using Aot.Protocol;
using Aot.Protocol.Wire;
using Aot.Server.Tests.Grpc;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Inference;

namespace Aot.Server.Tests.Security;

/// <summary>The API key on gRPC (<c>authorization</c> metadata, UNAUTHENTICATED) and on the binary protocol (the Authenticate frame).</summary>
public sealed class GrpcAndBinaryApiKeyTests(ApiKeyServerFixture fixture) : IClassFixture<ApiKeyServerFixture>
{
    private static readonly float[] Row = [.. Enumerable.Range(0, 16).Select(static i => (float)i)];

    [Fact]
    public async Task gRPC_calls_without_the_key_are_UNAUTHENTICATED_and_with_it_answer()
    {
        using GrpcChannel channel = GrpcTestClient.Channel(fixture.Server);
        GRPCInferenceService.GRPCInferenceServiceClient client = GrpcTestClient.InferenceClient(channel);

        RpcException missing = await Assert.ThrowsAsync<RpcException>(async () => await client.ModelInferAsync(GrpcTestClient.TinyRaw(1)));
        Assert.Equal(StatusCode.Unauthenticated, missing.StatusCode);
        Assert.Contains("authorization: Bearer", missing.Status.Detail);

        RpcException wrong = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.ModelInferAsync(GrpcTestClient.TinyRaw(1), Bearer("nope")));
        Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);
        Assert.Equal("The API key is not valid.", wrong.Status.Detail);

        RpcException metadata = await Assert.ThrowsAsync<RpcException>(async () =>
            await client.ModelMetadataAsync(new ModelMetadataRequest { Name = "tiny" }));
        Assert.Equal(StatusCode.Unauthenticated, metadata.StatusCode);

        ModelInferResponse answer = await client.ModelInferAsync(GrpcTestClient.TinyRaw(1), Bearer(ApiKeyServerFixture.OldKey));
        Assert.Equal([1L, 16], answer.Outputs[0].Shape);
        Assert.Equal("tiny", (await client.ModelMetadataAsync(new ModelMetadataRequest { Name = "tiny" }, Bearer(ApiKeyServerFixture.EnvironmentKey))).Name);

        // grpc.health.v1 stays open for probes.
        HealthCheckResponse health = await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest());
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public async Task A_binary_connection_that_does_not_authenticate_gets_an_auth_error_and_is_closed()
    {
        await using AotClient client = await AotClient.ConnectAsync("127.0.0.1", fixture.Server.Port);
        AotServerException refused = await Assert.ThrowsAsync<AotServerException>(() => client.InferAsync("tiny", [InputTensor.Create("x", [1, 16], Row)]));
        Assert.Equal(ErrorCode.Unauthenticated, refused.Code);
        Assert.StartsWith("401 Unauthenticated: This server needs an API key: send an Authenticate frame first", refused.Message);

        // The server closed the connection after the error frame.
        await Assert.ThrowsAsync<IOException>(() => client.PingAsync());
    }

    [Fact]
    public async Task A_ping_before_authenticating_is_refused_at_its_header()
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, fixture.Server.Port);
        // A Ping header announcing a large payload that never comes: the server answers at once instead of waiting for it.
        byte[] header = new byte[FrameHeader.Size];
        new FrameHeader(1 << 20, FrameType.Ping, 77).Write(header);
        await socket.SendAsync(header);

        byte[] answer = new byte[4096];
        int length = 0;
        int received;
        while ((received = await socket.ReceiveAsync(answer.AsMemory(length))) > 0)
        {
            length += received;
        }

        FrameHeader error = FrameHeader.Read(answer, out _, out _);
        Assert.Equal(FrameType.Error, error.Type);
        Assert.Equal(77UL, error.RequestId);
        Assert.Equal((ushort)401, BitConverter.ToUInt16(answer, FrameHeader.Size));
        Assert.Equal(FrameHeader.Size + (int)error.PayloadLength, length); // then end of stream: closed
    }

    [Fact]
    public async Task A_wrong_key_fails_connecting_and_each_key_works_over_TCP_and_the_Unix_socket()
    {
        AotServerException wrong = await Assert.ThrowsAsync<AotServerException>(() =>
            AotClient.ConnectAsync("127.0.0.1", fixture.Server.Port, new AotConnectionOptions { ApiKey = "wrong" }));
        Assert.Equal(ErrorCode.Unauthenticated, wrong.Code);
        Assert.Equal("The API key is not valid; closing the connection.", wrong.ServerMessage);

        foreach (string key in ApiKeyServerFixture.AllKeys)
        {
            await using AotClient tcp = await AotClient.ConnectAsync("127.0.0.1", fixture.Server.Port, new AotConnectionOptions { ApiKey = key });
            using InferResult result = await tcp.InferAsync("tiny", [InputTensor.Create("x", [1, 16], Row)]);
            Assert.Equal([1L, 16], result.Outputs[0].Shape);
            await tcp.PingAsync();
        }

        await using AotClient unix = await AotClient.ConnectUnixAsync(fixture.Server.UnixSocket!, new AotConnectionOptions { ApiKey = ApiKeyServerFixture.NewKey });
        Assert.Contains("\"tiny\"", await unix.GetMetadataJsonAsync("tiny"));
    }

    [Fact]
    public async Task The_typed_client_sends_the_key_on_connect()
    {
        var endpoint = new IPEndPoint(IPAddress.Loopback, fixture.Server.Port);
        AotServerException wrong = await Assert.ThrowsAsync<AotServerException>(() =>
            TypedConnection.ConnectAsync(endpoint, new AotConnectionOptions { ApiKey = ApiKeyServerFixture.NewKey + "!" }));
        Assert.Equal(ErrorCode.Unauthenticated, wrong.Code);

        // Connecting returns only once the server answered Authenticated.
        await using TypedConnection connection = await TypedConnection.ConnectAsync(endpoint, new AotConnectionOptions { ApiKey = ApiKeyServerFixture.NewKey });
    }

    private static Metadata Bearer(string key) => new() { { "authorization", "Bearer " + key } };
}
