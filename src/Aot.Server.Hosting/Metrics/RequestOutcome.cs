using Aot.Protocol;

namespace Aot.Server.Metrics;

/// <summary>How a request ended; the <c>outcome</c> label of <c>aot_requests_total</c>.</summary>
internal enum RequestOutcome
{
    Success,
    BadRequest,
    NotFound,
    PayloadTooLarge,
    Overloaded,
    Unavailable,
    DeadlineExceeded,
    Cancelled,
    Error,
}

internal static class RequestOutcomes
{
    public static int Count => (int)RequestOutcome.Error + 1;

    public static string Label(RequestOutcome outcome) => outcome switch
    {
        RequestOutcome.Success => "success",
        RequestOutcome.BadRequest => "bad_request",
        RequestOutcome.NotFound => "not_found",
        RequestOutcome.PayloadTooLarge => "payload_too_large",
        RequestOutcome.Overloaded => "overloaded",
        RequestOutcome.Unavailable => "unavailable",
        RequestOutcome.DeadlineExceeded => "deadline_exceeded",
        RequestOutcome.Cancelled => "cancelled",
        _ => "error",
    };

    public static RequestOutcome FromCode(ErrorCode code) => code switch
    {
        ErrorCode.BadRequest => RequestOutcome.BadRequest,
        ErrorCode.NotFound => RequestOutcome.NotFound,
        ErrorCode.PayloadTooLarge => RequestOutcome.PayloadTooLarge,
        ErrorCode.Overloaded => RequestOutcome.Overloaded,
        ErrorCode.Unavailable => RequestOutcome.Unavailable,
        ErrorCode.DeadlineExceeded => RequestOutcome.DeadlineExceeded,
        ErrorCode.Cancelled => RequestOutcome.Cancelled,
        _ => RequestOutcome.Error,
    };
}
