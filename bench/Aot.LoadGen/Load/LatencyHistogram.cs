using HdrHistogram;

namespace Aot.LoadGen.Load;

/// <summary>
/// Latencies of one run in an HdrHistogram (nanoseconds, 3 significant digits, 1 ns … 10 minutes), safe for
/// concurrent writers. Percentiles come back in milliseconds.
/// </summary>
internal sealed class LatencyHistogram
{
    /// <summary>Largest latency recorded as is; longer ones are clamped to it (and still counted).</summary>
    public const long HighestNanoseconds = 600L * 1_000_000_000;

    private readonly LongConcurrentHistogram _histogram = new(1, HighestNanoseconds, 3);

    /// <summary>Number of values recorded.</summary>
    public long Count => _histogram.TotalCount;

    /// <summary>Records one latency in nanoseconds (values below 1 ns count as 1 ns; above the range are clamped).</summary>
    public void Record(long nanoseconds) => _histogram.RecordValue(Math.Clamp(nanoseconds, 1, HighestNanoseconds));

    /// <summary>Records the time between two <see cref="System.Diagnostics.Stopwatch"/> timestamps.</summary>
    public void RecordTimestamps(long start, long end) => Record(Clock.ToNanoseconds(end - start));

    /// <summary>The latency at <paramref name="percentile"/> (0–100) in milliseconds; 0 when nothing was recorded.</summary>
    public double PercentileMs(double percentile) =>
        Count == 0 ? 0 : _histogram.GetValueAtPercentile(percentile) / 1e6;

    /// <summary>Largest latency recorded, in milliseconds.</summary>
    public double MaxMs => Count == 0 ? 0 : _histogram.GetMaxValue() / 1e6;

    /// <summary>Mean latency in milliseconds.</summary>
    public double MeanMs => Count == 0 ? 0 : _histogram.GetMean() / 1e6;

    /// <summary>The standard summary of this histogram.</summary>
    public LatencySummary Summarize() => new(
        PercentileMs(50), PercentileMs(90), PercentileMs(99), PercentileMs(99.9), MaxMs, MeanMs, Count);
}
