namespace Aot.LoadGen.Load;

/// <summary>
/// How to drive one run. Closed loop (<see cref="RatePerSecond"/> null): <see cref="Concurrency"/> clients each
/// send, wait for the answer, send again. Open loop: requests are due at a fixed rate whatever the answers do,
/// served by up to <see cref="Concurrency"/> connections, and each latency counts from the request's intended
/// send time, so time spent waiting for a free connection is not hidden (no coordinated omission).
/// </summary>
internal sealed record LoadOptions(int Concurrency, TimeSpan WarmUp, TimeSpan Duration, double? RatePerSecond = null)
{
    /// <summary><c>closed</c> or <c>open</c>.</summary>
    public string Mode => RatePerSecond is null ? "closed" : "open";
}
