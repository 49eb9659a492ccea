namespace Aot.LoadGen.Load;

/// <summary>Latency percentiles of one run, in milliseconds, and the number of samples behind them.</summary>
internal sealed record LatencySummary(double P50, double P90, double P99, double P999, double Max, double Mean, long Count)
{
    /// <summary>No samples.</summary>
    public static LatencySummary Empty { get; } = new(0, 0, 0, 0, 0, 0, 0);
}
