using System.Globalization;
using System.Text;
using Aot.LoadGen.Results;

namespace Aot.LoadGen.Soak;

/// <summary>Writes samples.csv: one line per <see cref="SoakSample"/>, the protocols' columns side by side.</summary>
internal static class SoakCsv
{
    public static string Format(IReadOnlyList<SoakSample> samples)
    {
        string[] protocols = [.. samples.SelectMany(s => s.Protocols.Select(p => p.Protocol)).Distinct()];
        var csv = new StringBuilder("seconds,phase,rss_mb,gc_heap_mb,open_fds,threads,load_average");
        foreach (string p in protocols)
        {
            csv.Append(CultureInfo.InvariantCulture, $",{p}_correct,{p}_overloads,{p}_failures,{p}_p50_ms,{p}_p99_ms");
        }

        csv.Append('\n');
        foreach (SoakSample s in samples)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{s.Seconds},{CsvResultsWriter.Quote(s.Phase)},{s.RssMb},{s.GcHeapMb},{s.OpenFds},{s.Threads},{s.LoadAverage}");
            foreach (string name in protocols)
            {
                ProtocolInterval? p = s.Protocols.FirstOrDefault(x => x.Protocol == name);
                csv.Append(CultureInfo.InvariantCulture, $",{p?.Correct},{p?.Overloads},{p?.Failures},{p?.P50Ms:0.###},{p?.P99Ms:0.###}");
            }

            csv.Append('\n');
        }

        return csv.ToString();
    }
}
