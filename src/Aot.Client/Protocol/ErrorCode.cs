namespace Aot.Client.Protocol;

/// <summary>
/// Codes of error frames. They reuse the HTTP status numbers of the same failures, so logs, metrics and the two
/// protocols speak one language.
/// </summary>
public enum ErrorCode : ushort
{
    /// <summary>The frame or its tensors are malformed, or do not fit the model (name, type, shape, length).</summary>
    BadRequest = 400,

    /// <summary>No such model or version.</summary>
    NotFound = 404,

    /// <summary>The frame is larger than the server's payload limit.</summary>
    PayloadTooLarge = 413,

    /// <summary>The model's queue is full; retry later.</summary>
    Overloaded = 429,

    /// <summary>The request was dropped because its client went away or cancelled it (nginx's 499).</summary>
    Cancelled = 499,

    /// <summary>The server failed while running the model (ONNX Runtime error); the message says why.</summary>
    InternalError = 500,

    /// <summary>The server is starting up or shutting down.</summary>
    Unavailable = 503,

    /// <summary>The request's deadline passed before it could run.</summary>
    DeadlineExceeded = 504,
}
