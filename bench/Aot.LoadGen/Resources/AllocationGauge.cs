namespace Aot.LoadGen.Resources;

/// <summary>
/// Reads the server's managed-allocation counter from its Prometheus <c>/metrics</c> text (<see cref="MetricsScrape"/>),
/// when it exports one (<see cref="MetricName"/>, the value of <c>GC.GetTotalAllocatedBytes()</c>). Read before and
/// after a window, it gives the bytes the server allocated per request. Null when the metric is absent or unreadable.
/// </summary>
internal static class AllocationGauge
{
    public const string MetricName = "aot_dotnet_allocated_bytes_total";

    /// <summary>The value of <see cref="MetricName"/> in Prometheus text, or null.</summary>
    public static double? Parse(string? text)
    {
        foreach (string line in (text ?? "").Split('\n'))
        {
            if (MetricsScrape.IsSample(line, MetricName))
            {
                return MetricsScrape.Value(line);
            }
        }

        return null;
    }
}
