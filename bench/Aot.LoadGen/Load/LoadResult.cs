namespace Aot.LoadGen.Load;

/// <summary>What one run measured inside its timed window.</summary>
/// <param name="Latency">Latency percentiles of requests completed in the window.</param>
/// <param name="Completed">Successful answers in the window.</param>
/// <param name="Errors">Failed requests in the window plus any failure during warm-up.</param>
/// <param name="Seconds">Length of the window.</param>
/// <param name="FirstError">The first error's message, if any.</param>
/// <param name="MeanLatenessMs">Open loop only: how late, on average, the client sent after the intended time.</param>
internal sealed record LoadResult(LatencySummary Latency, long Completed, long Errors, double Seconds, string? FirstError, double? MeanLatenessMs)
{
    /// <summary>Successful answers per second in the window.</summary>
    public double Throughput => Seconds > 0 ? Completed / Seconds : 0;
}
