using Grpc.Core;
using Grpc.Core.Interceptors;

namespace Aot.Server.Security;

/// <summary>
/// The API key check of gRPC calls: <c>authorization: Bearer KEY</c> metadata, else UNAUTHENTICATED. Every service goes
/// through it (inference, reflection); <c>grpc.health.v1.Health</c> only with <c>--auth-health</c>.
/// </summary>
internal sealed class GrpcApiKeyInterceptor(ApiKeys keys, bool protectHealth) : Interceptor
{
    private const string HealthService = "/grpc.health.v1.Health/";

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, context);
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, ServerCallContext context, ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, context);
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(TRequest request, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(request, responseStream, context);
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        Check(context);
        return continuation(requestStream, responseStream, context);
    }

    private void Check(ServerCallContext context)
    {
        if (!protectHealth && context.Method.StartsWith(HealthService, StringComparison.Ordinal))
        {
            return;
        }

        string? authorization = context.RequestHeaders.GetValue("authorization");
        if (authorization is null)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "This call needs an API key: send it as 'authorization: Bearer <key>' metadata."));
        }

        if (!keys.Accepts(ApiKeys.BearerToken(authorization)))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "The API key is not valid."));
        }
    }
}
