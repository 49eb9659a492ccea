using System.Globalization;

namespace Aot.LoadGen.Resources;

/// <summary>
/// Reads the server's managed-allocation counter from its Prometheus <c>/metrics</c>, when it exports one
/// (<see cref="MetricName"/>, the value of <c>GC.GetTotalAllocatedBytes()</c>). Read before and after a window,
/// it gives the bytes the server allocated per request. Returns null when the metric is absent or unreadable.
/// </summary>
internal static class AllocationGauge
{
    public const string MetricName = "aot_dotnet_allocated_bytes_total";

    public static async Task<double?> ReadAsync(Uri metrics, CancellationToken cancellationToken)
    {
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            return Parse(await http.GetStringAsync(metrics, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return null;
        }
    }

    /// <summary>The value of <see cref="MetricName"/> in Prometheus text, or null.</summary>
    public static double? Parse(string text)
    {
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith(MetricName, StringComparison.Ordinal) && line.Length > MetricName.Length && line[MetricName.Length] is ' ' or '{')
            {
                string value = line[(line.LastIndexOf(' ') + 1)..].Trim();
                return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double bytes) ? bytes : null;
            }
        }

        return null;
    }
}
