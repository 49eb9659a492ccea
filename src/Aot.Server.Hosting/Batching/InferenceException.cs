using Aot.Protocol;

namespace Aot.Server.Batching;

/// <summary>
/// A request that cannot be served, with the code both protocols answer (HTTP status / error frame code).
/// Thrown only on failure paths, never on a successful request.
/// </summary>
internal sealed class InferenceException(ErrorCode code, string message) : Exception(message)
{
    public ErrorCode Code { get; } = code;

    public static InferenceException BadRequest(string message) => new(ErrorCode.BadRequest, message);

    public static InferenceException NotFound(string message) => new(ErrorCode.NotFound, message);
}
