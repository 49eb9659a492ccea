namespace Aot.Protocol.Wire;

/// <summary>
/// The <c>u16</c> code of a binary-protocol error frame (docs/protocol.md). The numbers are the HTTP statuses of the
/// same failures, so logs read alike across transports; they are part of the wire contract and never change.
/// </summary>
public static class WireErrorCodes
{
    /// <summary>The error frame's code for <paramref name="code"/>.</summary>
    /// <param name="code">Why the request failed.</param>
    /// <returns>The code on the wire.</returns>
    public static ushort ToWire(ErrorCode code) => code switch
    {
        ErrorCode.BadRequest => 400,
        ErrorCode.Unauthenticated => 401,
        ErrorCode.NotFound => 404,
        ErrorCode.PayloadTooLarge => 413,
        ErrorCode.Overloaded => 429,
        ErrorCode.Cancelled => 499,
        ErrorCode.Unavailable => 503,
        ErrorCode.DeadlineExceeded => 504,
        _ => 500,
    };

    /// <summary>The failure an error frame's code stands for; unknown codes read as <see cref="ErrorCode.InternalError"/>.</summary>
    /// <param name="wire">The code on the wire.</param>
    /// <returns>Why the request failed.</returns>
    public static ErrorCode FromWire(ushort wire) => wire switch
    {
        400 => ErrorCode.BadRequest,
        401 => ErrorCode.Unauthenticated,
        404 => ErrorCode.NotFound,
        413 => ErrorCode.PayloadTooLarge,
        429 => ErrorCode.Overloaded,
        499 => ErrorCode.Cancelled,
        503 => ErrorCode.Unavailable,
        504 => ErrorCode.DeadlineExceeded,
        _ => ErrorCode.InternalError,
    };
}
