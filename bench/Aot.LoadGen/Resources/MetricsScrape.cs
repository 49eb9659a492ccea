using System.Globalization;

namespace Aot.LoadGen.Resources;

/// <summary>
/// One read of a server's Prometheus <c>/metrics</c> text, taken at a window's edge; the gauges parse what they need
/// from it (<see cref="AllocationGauge"/>, <see cref="BatchTokenCounters"/>) with the line readers here, so each edge costs
/// the server one scrape.
/// </summary>
internal static class MetricsScrape
{
    /// <summary>The metrics text, or null when the server did not answer it.</summary>
    public static async Task<string?> ReadAsync(Uri metrics, CancellationToken cancellationToken)
    {
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            return await http.GetStringAsync(metrics, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            return null;
        }
    }

    /// <summary>Whether <paramref name="line"/> is a sample of exactly <paramref name="metric"/> (not of a longer name it prefixes).</summary>
    internal static bool IsSample(string line, string metric) =>
        line.StartsWith(metric, StringComparison.Ordinal) && line.Length > metric.Length && line[metric.Length] is ' ' or '{';

    /// <summary>A sample line's value (after its last space), or null when it is no number.</summary>
    internal static double? Value(string line) =>
        double.TryParse(line[(line.LastIndexOf(' ') + 1)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : null;
}
