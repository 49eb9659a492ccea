using System.Globalization;
using Aot.LoadGen.Resources;
using Aot.LoadGen.Results;

namespace Aot.LoadGen.Soak;

/// <summary>
/// Takes <see cref="SoakSample"/>s of the server process: vitals from /proc, the managed heap from its
/// <paramref name="metrics"/> and, per protocol, what its tally counted since the previous sample (the tally's interval
/// histogram is closed at each sample).
/// </summary>
internal sealed class SoakSampler(int pid, Uri metrics, IReadOnlyList<ProtocolTally> tallies)
{
    private const string GcHeapMetric = "aot_dotnet_gc_heap_bytes";

    private readonly Dictionary<string, (long Correct, long Overloads, long Failures)> _previous = [];
    private readonly List<SoakSample> _samples = [];

    /// <summary>Every sample so far, in time order.</summary>
    public IReadOnlyList<SoakSample> Samples => _samples;

    /// <summary>Samples now; null when the server process is gone.</summary>
    public async Task<SoakSample?> TakeAsync(double seconds, string phase, CancellationToken cancellationToken)
    {
        string? scrape = await MetricsScrape.ReadAsync(metrics, cancellationToken).ConfigureAwait(false);
        if (ProcessVitals.Read(pid) is not { } vitals)
        {
            return null;
        }

        var protocols = new List<ProtocolInterval>(tallies.Count);
        foreach (ProtocolTally tally in tallies)
        {
            (long correct, long overloads, long failures) now = (tally.Count(AnswerOutcome.Correct), tally.Count(AnswerOutcome.Overload), tally.Failures);
            (long correct, long overloads, long failures) before = _previous.GetValueOrDefault(tally.Protocol);
            _previous[tally.Protocol] = now;
            Load.LatencySummary latency = tally.TakeInterval();
            protocols.Add(new ProtocolInterval(tally.Protocol, latency.P50, latency.P99, now.correct - before.correct, now.overloads - before.overloads, now.failures - before.failures));
        }

        var sample = new SoakSample(Math.Round(seconds, 1), phase, Math.Round(vitals.RssMb, 1), vitals.OpenFds, vitals.Threads, GcHeapMb(scrape), LoadAverage1(), protocols);
        _samples.Add(sample);
        return sample;
    }

    /// <summary>Forgets the latest sample (a reading taken only to decide something, not kept for the report).</summary>
    public void DropLast() => _samples.RemoveAt(_samples.Count - 1);

    /// <summary>The managed heap in MB from a /metrics text; null without one.</summary>
    internal static double? GcHeapMb(string? scrape) =>
        scrape?.Split('\n').FirstOrDefault(line => MetricsScrape.IsSample(line, GcHeapMetric)) is { } line && MetricsScrape.Value(line) is { } bytes
            ? Math.Round(bytes / (1024 * 1024), 1)
            : null;

    private static double LoadAverage1() =>
        double.TryParse(MachineInfo.LoadAverageNow().Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : double.NaN;
}
