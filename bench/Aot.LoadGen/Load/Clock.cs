using System.Diagnostics;

namespace Aot.LoadGen.Load;

/// <summary>Conversions between <see cref="Stopwatch"/> timestamps and time units.</summary>
internal static class Clock
{
    private static readonly double NanosecondsPerTick = 1e9 / Stopwatch.Frequency;

    /// <summary>Now, as a <see cref="Stopwatch"/> timestamp.</summary>
    public static long Now => Stopwatch.GetTimestamp();

    /// <summary>Stopwatch ticks to nanoseconds.</summary>
    public static long ToNanoseconds(long ticks) => (long)(ticks * NanosecondsPerTick);

    /// <summary>A duration to Stopwatch ticks.</summary>
    public static long ToTicks(TimeSpan duration) => (long)(duration.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Seconds between two timestamps.</summary>
    public static double Seconds(long start, long end) => (end - start) / (double)Stopwatch.Frequency;
}
