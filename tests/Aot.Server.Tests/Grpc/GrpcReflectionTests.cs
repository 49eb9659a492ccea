using Aot.Server.Tests.EndToEnd;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;

namespace Aot.Server.Tests.Grpc;

/// <summary>Server reflection (what grpcurl and Postman use to call without the proto file) lists the services and serves their descriptors.</summary>
public sealed class GrpcReflectionTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    [Fact]
    public async Task Reflection_lists_the_services_and_describes_the_inference_service()
    {
        using GrpcChannel channel = GrpcTestClient.Channel(fixture.Server);
        using AsyncDuplexStreamingCall<ServerReflectionRequest, ServerReflectionResponse> call = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        string[] services = [.. call.ResponseStream.Current.ListServicesResponse.Service.Select(static s => s.Name)];
        Assert.Contains("inference.GRPCInferenceService", services);
        Assert.Contains("grpc.health.v1.Health", services);

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "inference.GRPCInferenceService" });
        Assert.True(await call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.NotEmpty(call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto);

        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None));
    }
}
