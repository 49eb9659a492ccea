using System.Diagnostics;

namespace Aot.LoadGen.Load;

/// <summary>
/// The time line of one run (Stopwatch timestamps): start, end of warm-up, end of the timed window; for an open
/// loop also the intended send time of every request (request <c>i</c> is due at <c>start + i / rate</c>).
/// </summary>
internal sealed class Schedule(long start, long warmUpEnd, long end, double? ratePerSecond)
{
    private readonly double _intervalTicks = ratePerSecond is { } rate ? Stopwatch.Frequency / rate : 0;
    private long _next = -1;

    public long Start { get; } = start;

    public long WarmUpEnd { get; } = warmUpEnd;

    public long End { get; } = end;

    /// <summary>Open loop: the intended send time of the next request not yet taken by a client.</summary>
    public long NextIntendedTime() => Start + (long)(Interlocked.Increment(ref _next) * _intervalTicks);
}
