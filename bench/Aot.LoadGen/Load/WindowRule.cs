namespace Aot.LoadGen.Load;

/// <summary>
/// When a timed window closes (Stopwatch timestamps). Never before <see cref="NominalEnd"/>; after it, as soon as
/// <see cref="TargetRequests"/> requests have started inside the window; and at the latest at <see cref="Cap"/>
/// (the nominal length × the maximum stretch), so a system too slow to reach the target cannot hold the run forever.
/// Requests that start before the close are measured and awaited.
/// </summary>
internal sealed record WindowRule(long WindowStart, long NominalEnd, long Cap, long TargetRequests)
{
    /// <summary>No request has reached the target yet.</summary>
    public const long NotReached = long.MaxValue;

    /// <summary>The rule of a run whose warm-up starts at <paramref name="start"/>.</summary>
    public static WindowRule Create(long start, LoadOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxStretch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MinRequests, 1);
        long windowStart = start + Clock.ToTicks(options.WarmUp);
        return new WindowRule(windowStart, windowStart + Clock.ToTicks(options.Duration),
            windowStart + Clock.ToTicks(options.Duration * options.MaxStretch), options.TargetRequests);
    }

    /// <summary>
    /// The close time, given when the target-th request started inside the window (<see cref="NotReached"/> if it has
    /// not): the later of that and the nominal end, but no later than the cap.
    /// </summary>
    public long CloseTime(long targetReachedAt) =>
        targetReachedAt == NotReached ? Cap : Math.Min(Cap, Math.Max(NominalEnd, targetReachedAt));

    /// <summary>Whether the window was stretched past its nominal end.</summary>
    public bool Stretched(long targetReachedAt) => CloseTime(targetReachedAt) > NominalEnd;
}
