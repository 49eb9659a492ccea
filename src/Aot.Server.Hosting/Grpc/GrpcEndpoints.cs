using Aot.Server.Hosting;
using Aot.Server.Models;
using Aot.Server.Security;
using Grpc.Health.V1;
using Grpc.Reflection;
using Grpc.Reflection.V1Alpha;
using Inference;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Aot.Server.Grpc;

/// <summary>Registers the gRPC services (inference, health, reflection) with the host; the listener is Kestrel's, set up by <see cref="ServerHost"/>.</summary>
internal static class GrpcEndpoints
{
    /// <summary>
    /// Adds grpc-dotnet with the server's payload limit as the largest message it accepts (RESOURCE_EXHAUSTED beyond), and
    /// the API key check in front of every service when the server has keys.
    /// </summary>
    public static void AddServices(IServiceCollection services, ModelRepository repository, ServerState state, long maxPayloadBytes, GrpcApiKeyInterceptor? authentication)
    {
        if (authentication is not null)
        {
            services.AddSingleton(authentication); // grpc-dotnet takes a registered interceptor from the container
        }

        services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = (int)Math.Min(int.MaxValue, maxPayloadBytes);
            grpc.MaxSendMessageSize = null;
            if (authentication is not null)
            {
                grpc.Interceptors.Add<GrpcApiKeyInterceptor>();
            }
        });
        // Grpc.Reflection's service over the descriptors named here: Grpc.AspNetCore.Server.Reflection would discover
        // them by .NET reflection, which native AOT cannot keep (IL2075).
        services.AddSingleton(new ReflectionServiceImpl(GRPCInferenceService.Descriptor, Health.Descriptor, ServerReflection.Descriptor));
        services.AddSingleton(new GrpcInferenceService(repository, state));
        services.AddSingleton(new GrpcHealthService(repository, state));
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGrpcService<GrpcInferenceService>();
        app.MapGrpcService<GrpcHealthService>();
        app.MapGrpcService<ReflectionServiceImpl>();
    }
}
