using System.Globalization;
using System.Text;

namespace Aot.Server.Tuning;

/// <summary>The table of every point measured (console) and the same rows as CSV (<c>--csv</c>, for bench/tune-check.sh).</summary>
internal static class TuneTable
{
    public static void Write(TextWriter output, IReadOnlyList<TuneRow> rows, double? sloMs, TuneRow? chosen)
    {
        output.WriteLine();
        output.WriteLine("|  # | stage      | point                                                  | req/s    | p50 ms  | p99 ms  | cpu  | ok |");
        output.WriteLine("|---:|------------|--------------------------------------------------------|---------:|--------:|--------:|-----:|----|");
        foreach (TuneRow row in rows)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Index,2} | {row.Stage,-10} | {row.Label,-54} | {row.Throughput,8:F1} | {row.P50Ms,7:F2} | {row.P99Ms,7:F2} | {row.CpuCores,4:F2} | {(row.Meets(sloMs) ? "yes" : "no "),-2} |{(ReferenceEquals(row, chosen) ? " ← chosen" : "")}"));
        }

        output.WriteLine();
    }

    public static void WriteCsv(string path, IReadOnlyList<TuneRow> rows, double? sloMs)
    {
        var csv = new StringBuilder("index,stage,label,threads,workers,max_batch,max_delay_us,window_s,concurrency,throughput,p50_ms,p99_ms,cpu_cores,errors,meets_slo\n");
        foreach (TuneRow row in rows)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{row.Index},{row.Stage},\"{row.Label}\",{row.Point?.IntraOpThreads},{row.Point?.Workers},{row.Point?.MaxBatch},{row.Point?.MaxDelayMicros},{row.Window.TotalSeconds:F1},{string.Join("+", row.Measurements.Select(static m => m.Concurrency))},{row.Throughput:F2},{row.P50Ms:F3},{row.P99Ms:F3},{row.CpuCores:F2},{row.Errors},{(row.Meets(sloMs) ? "true" : "false")}\n");
        }

        File.WriteAllText(path, csv.ToString());
    }
}
