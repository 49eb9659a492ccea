namespace Aot.LoadGen.Load;

/// <summary>What one run measured inside its timed window.</summary>
/// <param name="Latency">Latency percentiles of requests completed in the window.</param>
/// <param name="Completed">Successful answers to requests started in the window.</param>
/// <param name="Errors">Failed requests in the window plus any failure during warm-up.</param>
/// <param name="Seconds">Length of the window as it ran (the nominal length, or longer when it was stretched).</param>
/// <param name="FirstError">The first error's message, if any.</param>
/// <param name="MeanLatenessMs">Open loop only: how late, on average, the client sent after the intended time.</param>
/// <param name="NominalSeconds">The window's nominal length.</param>
/// <param name="Note">Null when the window measured something; otherwise why it is not a result (<see cref="WindowVerdict"/>).</param>
internal sealed record LoadResult(LatencySummary Latency, long Completed, long Errors, double Seconds, string? FirstError, double? MeanLatenessMs,
    double NominalSeconds, string? Note)
{
    /// <summary>Successful answers per second in the window.</summary>
    public double Throughput => Seconds > 0 ? Completed / Seconds : 0;

    /// <summary>Whether the window held enough completed requests to be a result.</summary>
    public bool Measured => Note is null;
}
