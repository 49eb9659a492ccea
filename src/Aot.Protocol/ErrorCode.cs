namespace Aot.Protocol;

/// <summary>
/// Why a request failed, in no transport's terms. Each transport maps it to its own: HTTP statuses
/// (<c>Aot.Server.Http</c>), the binary protocol's error-frame codes (<see cref="Wire.WireErrorCodes"/>), and gRPC
/// status codes.
/// </summary>
public enum ErrorCode
{
    /// <summary>The request or its tensors are malformed, or do not fit the model (name, type, shape, length).</summary>
    BadRequest = 1,

    /// <summary>No such model or version.</summary>
    NotFound,

    /// <summary>The request is larger than the server's payload limit.</summary>
    PayloadTooLarge,

    /// <summary>The model's queue is full; retry later.</summary>
    Overloaded,

    /// <summary>The request was dropped because its client went away or cancelled it.</summary>
    Cancelled,

    /// <summary>The server failed while running the model (ONNX Runtime error); the message says why.</summary>
    InternalError,

    /// <summary>The server is starting up or shutting down.</summary>
    Unavailable,

    /// <summary>The request's deadline passed before it could run.</summary>
    DeadlineExceeded,

    /// <summary>The server needs an API key and the client gave none, or a wrong one.</summary>
    Unauthenticated,
}
