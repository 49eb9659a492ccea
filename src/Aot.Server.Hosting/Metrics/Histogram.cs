using System.Diagnostics;

namespace Aot.Server.Metrics;

/// <summary>
/// A Prometheus histogram with fixed upper bounds, updated lock-free with <see cref="Interlocked"/> from any
/// thread, allocation-free. Observations are recorded in the bucket they fall in; the exposition writer
/// accumulates them (Prometheus buckets are cumulative).
/// </summary>
internal sealed class Histogram
{
    private readonly long[] _counts;   // one per bound, plus +Inf
    private long _sumScaled;           // sum × Scale, kept integral so Interlocked.Add works
    private readonly double _scale;

    /// <param name="upperBounds">Increasing bucket bounds, in the unit the metric exposes.</param>
    /// <param name="scale">Observations are multiplied by this before summing (e.g. 1e7 for 100 ns precision).</param>
    public Histogram(double[] upperBounds, double scale = 1)
    {
        UpperBounds = upperBounds;
        _counts = new long[upperBounds.Length + 1];
        _scale = scale;
    }

    /// <summary>Latency buckets from 50 µs to 10 s, in seconds.</summary>
    public static double[] LatencyBounds { get; } =
        [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Fractions (padding per batch).</summary>
    public static double[] RatioBounds { get; } = [0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.75, 0.9];

    /// <summary>Batch sizes in rows: powers of two up to 1024.</summary>
    public static double[] BatchSizeBounds { get; } = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

    public double[] UpperBounds { get; }

    public static Histogram ForLatency() => new(LatencyBounds, scale: 1e7);

    public void Observe(double value)
    {
        int bucket = Array.BinarySearch(UpperBounds, value);
        if (bucket < 0)
        {
            bucket = ~bucket; // first bound greater than value; Length means +Inf
        }

        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Add(ref _sumScaled, (long)(value * _scale));
    }

    /// <summary>Records a duration given in <see cref="Stopwatch"/> ticks, as seconds.</summary>
    public void ObserveTicks(long ticks) => Observe((double)ticks / Stopwatch.Frequency);

    /// <summary>Count in bucket <paramref name="index"/> alone (index = bounds length is +Inf).</summary>
    public long BucketCount(int index) => Volatile.Read(ref _counts[index]);

    public int BucketCountLength => _counts.Length;

    public double Sum => Volatile.Read(ref _sumScaled) / _scale;
}
