using Aot.Protocol;
using Grpc.Core;

namespace Aot.Server.Grpc;

/// <summary>
/// The gRPC status of each protocol-neutral <see cref="ErrorCode"/>, as Triton's gRPC frontend answers: bad input is
/// INVALID_ARGUMENT, an unknown model NOT_FOUND, a full queue or an oversized message RESOURCE_EXHAUSTED (the status
/// grpc-dotnet itself gives a message over the size limit), shutting down UNAVAILABLE.
/// </summary>
internal static class GrpcStatusCodes
{
    public static StatusCode Of(ErrorCode code) => code switch
    {
        ErrorCode.BadRequest => StatusCode.InvalidArgument,
        ErrorCode.NotFound => StatusCode.NotFound,
        ErrorCode.PayloadTooLarge => StatusCode.ResourceExhausted,
        ErrorCode.Overloaded => StatusCode.ResourceExhausted,
        ErrorCode.Cancelled => StatusCode.Cancelled,
        ErrorCode.Unavailable => StatusCode.Unavailable,
        ErrorCode.DeadlineExceeded => StatusCode.DeadlineExceeded,
        ErrorCode.Unauthenticated => StatusCode.Unauthenticated,
        _ => StatusCode.Internal,
    };

    /// <summary>The exception a service method throws so grpc-dotnet answers <paramref name="code"/>'s status with <paramref name="message"/>.</summary>
    public static RpcException Exception(ErrorCode code, string message) => new(new Status(Of(code), message));
}
