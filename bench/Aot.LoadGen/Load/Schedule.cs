using System.Diagnostics;

namespace Aot.LoadGen.Load;

/// <summary>
/// The time line of one run (Stopwatch timestamps): start, end of warm-up, and the window's close, which
/// <see cref="WindowRule"/> decides from how many requests have started inside it; for an open loop also the
/// intended send time of every request (request <c>i</c> is due at <c>start + i / rate</c>). A closed loop may be held
/// open until another task ends (<see cref="HoldOpenUntil"/>): its window then closes at the later of its rule's close
/// and that end, so another run measured beside it (a probe) never runs without this load. Thread-safe.
/// </summary>
internal sealed class Schedule(long start, WindowRule rule, double? ratePerSecond)
{
    private const long Held = long.MaxValue;
    private readonly double _intervalTicks = ratePerSecond is { } rate ? Stopwatch.Frequency / rate : 0;
    private long _next = -1;
    private long _started;
    private long _targetReachedAt = WindowRule.NotReached;
    private long _releasedAt;

    public long Start { get; } = start;

    public WindowRule Rule { get; } = rule;

    public long WarmUpEnd => Rule.WindowStart;

    /// <summary>The window's close as known now (the cap until the target is reached; never before a hold is released).</summary>
    public long End => Math.Max(Rule.CloseTime(Interlocked.Read(ref _targetReachedAt)), Interlocked.Read(ref _releasedAt));

    /// <summary>Keeps the window open until <paramref name="until"/> ends (stamped as it ends, whether it ran to completion or failed).</summary>
    public void HoldOpenUntil(Task until)
    {
        ArgumentNullException.ThrowIfNull(until);
        Interlocked.Exchange(ref _releasedAt, Held);
        until.ContinueWith(_ => Interlocked.Exchange(ref _releasedAt, Clock.Now), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Requests started inside the window so far.</summary>
    public long StartedInWindow => Interlocked.Read(ref _started);

    /// <summary>Whether a request due at <paramref name="timestamp"/> falls after the window's close.</summary>
    public bool HasEnded(long timestamp) => timestamp >= End;

    /// <summary>
    /// Counts a request starting at <paramref name="timestamp"/>; true when it is inside the window (measured),
    /// false during warm-up. The request that reaches the target fixes the earliest possible close.
    /// </summary>
    public bool Admit(long timestamp)
    {
        if (timestamp < WarmUpEnd)
        {
            return false;
        }

        if (Interlocked.Increment(ref _started) == Rule.TargetRequests)
        {
            Interlocked.CompareExchange(ref _targetReachedAt, timestamp, WindowRule.NotReached);
        }

        return true;
    }

    /// <summary>Open loop: the intended send time of the next request not yet taken by a client.</summary>
    public long NextIntendedTime() => Start + (long)(Interlocked.Increment(ref _next) * _intervalTicks);
}
