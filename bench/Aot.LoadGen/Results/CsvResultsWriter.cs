using System.Globalization;
using System.Text;

namespace Aot.LoadGen.Results;

/// <summary>Writes results.csv: one line per <see cref="RunRecord"/>, RFC 4180 quoting, invariant numbers.</summary>
internal static class CsvResultsWriter
{
    public const string Header = "system,kind,model,workload,protocol,mode,concurrency,rate_per_s,p50_ms,p90_ms,p99_ms,p999_ms,max_ms,mean_ms,throughput_rps,requests,errors,rss_peak_mb,rss_steady_mb,cpu_s_per_1k,window_s,server_padding_waste,shared_window_with,measured,note,first_error";

    public static string Format(IEnumerable<RunRecord> runs)
    {
        var text = new StringBuilder().Append(Header).Append('\n');
        foreach (RunRecord r in runs)
        {
            string[] fields =
            [
                r.System, r.Kind, r.Model, r.Workload, r.Protocol, r.Mode, Number(r.Concurrency), Number(r.RatePerSecond),
                Number(r.P50Ms), Number(r.P90Ms), Number(r.P99Ms), Number(r.P999Ms), Number(r.MaxMs), Number(r.MeanMs),
                Number(r.Throughput), Number(r.Requests), Number(r.Errors), Number(r.RssPeakMb), Number(r.RssSteadyMb),
                Number(r.CpuSecondsPer1k), Number(r.WindowSeconds), Number(r.ServerPaddingWaste), r.SharedWindowWith ?? "", r.Measured ? "true" : "false", r.Note ?? "", r.FirstError ?? "",
            ];
            text.AppendJoin(',', fields.Select(Quote)).Append('\n');
        }

        return text.ToString();
    }

    public static void Write(IEnumerable<RunRecord> runs, string path) => File.WriteAllText(path, Format(runs));

    /// <summary>Quotes a field holding a comma, quote or line break; doubles inner quotes.</summary>
    public static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    private static string Number(double? value) => value is { } v ? v.ToString("0.######", CultureInfo.InvariantCulture) : "";

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
