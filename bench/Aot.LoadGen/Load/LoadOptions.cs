namespace Aot.LoadGen.Load;

/// <summary>
/// How to drive one run. Closed loop (<see cref="RatePerSecond"/> null): <see cref="Concurrency"/> clients each
/// send, wait for the answer, send again. Open loop: requests are due at a fixed rate whatever the answers do,
/// served by up to <see cref="Concurrency"/> connections, and each latency counts from the request's intended
/// send time, so time spent waiting for a free connection is not hidden (no coordinated omission).
/// </summary>
/// <param name="Duration">The nominal timed window; see <see cref="WindowRule"/> for when it is stretched.</param>
/// <param name="MinRequests">
/// Fewest completed requests a window must hold to count as measured; the window is stretched (up to
/// <paramref name="MaxStretch"/> × <paramref name="Duration"/>) until that many have started in it.
/// </param>
/// <param name="MaxStretch">The longest a window may last, as a multiple of <paramref name="Duration"/> (≥ 1).</param>
internal sealed record LoadOptions(int Concurrency, TimeSpan WarmUp, TimeSpan Duration, double? RatePerSecond = null,
    int MinRequests = LoadOptions.DefaultMinRequests, double MaxStretch = LoadOptions.DefaultMaxStretch)
{
    /// <summary>Default <see cref="MinRequests"/>: below ten samples a p50 is one request's latency.</summary>
    public const int DefaultMinRequests = 10;

    /// <summary>
    /// Default <see cref="MaxStretch"/>: a window may last up to ten times its nominal length. Only a system too slow
    /// for ten requests in the nominal window pays for it (a 4 s window reaches 25 s at 0.4 requests a second).
    /// </summary>
    public const double DefaultMaxStretch = 10;

    /// <summary><c>closed</c> or <c>open</c>.</summary>
    public string Mode => RatePerSecond is null ? "closed" : "open";

    /// <summary>
    /// Requests that must have started inside the window before it may close: <see cref="MinRequests"/>. (In a closed
    /// loop every client keeps one request queued from the first instant, so requests started in the window already
    /// wait behind a full queue: their latency is the steady state's even before every client has had a turn.)
    /// </summary>
    public int TargetRequests => MinRequests;
}
