using System.Globalization;
using System.Text;
using static Aot.LoadGen.Results.Format;

namespace Aot.LoadGen.Results;

/// <summary>
/// The "int8 next to fp32" section of results.md: each int8 row (<c>in-process-int8</c>, <c>aot-int8</c>,
/// <c>node-int8</c>) against its fp32 counterpart in the same run, and int8 Aot against the int8 Node peer.
/// </summary>
internal static class Int8Report
{
    /// <summary>Each int8 system and the fp32 system it is compared with.</summary>
    private static readonly Dictionary<string, string> Fp32Of = new()
    {
        ["in-process-int8"] = "in-process",
        ["aot-int8"] = "aot",
        ["node-int8"] = "node-ort",
    };

    /// <summary>Whether <paramref name="system"/> is an int8 row (kept out of the fp32 peer comparisons).</summary>
    public static bool IsInt8(string system) => Fp32Of.ContainsKey(system);

    public static void Append(StringBuilder md, ResultsQuery q)
    {
        var rows = new List<string>();
        foreach (string workload in q.Workloads)
        {
            var int8Series = q.Results.Runs.Where(r => r.Workload == workload && IsInt8(r.System)).Select(r => (r.System, r.Protocol)).Distinct();
            foreach ((string int8, string protocol) in int8Series)
            {
                string fp32 = Fp32Of[int8];
                RunRecord? lone8 = q.Closed(int8, workload, protocol, 1);
                RunRecord? lone32 = q.Closed(fp32, workload, protocol, 1);
                RunRecord? busy8 = q.Closed(int8, workload, protocol, 16);
                RunRecord? busy32 = q.Closed(fp32, workload, protocol, 16);
                rows.Add(string.Create(CultureInfo.InvariantCulture,
                    $"| {workload} | {fp32} | {protocol} | {Ms(lone32?.P50Ms)} | {Ms(lone8?.P50Ms)} | {Ratio(lone8?.P50Ms, lone32?.P50Ms)} | {Rate(busy32?.Throughput)} | {Rate(busy8?.Throughput)} | {Ratio(busy8?.Throughput, busy32?.Throughput)} |"));
            }
        }

        if (rows.Count == 0)
        {
            return;
        }

        md.AppendLine("## int8 next to fp32").AppendLine();
        md.AppendLine("The same system serving the int8 model (`aot quantize`, bench/int8-models.sh) instead of the fp32 one, in the same run. p50 at 1 client (ms), throughput at 16 clients (req/s; in process: 1 client only).").AppendLine();
        md.AppendLine("| workload | system | protocol | fp32 p50 | int8 p50 | int8 ÷ fp32 p50 | fp32 req/s c=16 | int8 req/s c=16 | int8 ÷ fp32 req/s |");
        md.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|");
        foreach (string row in rows)
        {
            md.AppendLine(row);
        }

        md.AppendLine();
        md.AppendLine("int8 Aot against the int8 Node peer (the same file): Aot ÷ Node throughput, and Node ÷ Aot p50 (above 1: Aot is faster).").AppendLine();
        md.AppendLine("| workload | Aot protocol | Node protocol | req/s c=1 | req/s c=16 | p50 c=1 |");
        md.AppendLine("|---|---|---|---:|---:|---:|");
        foreach (string workload in q.Workloads)
        {
            string aotProtocol = q.IsEmbedding(workload) ? "embed-http" : "binary";
            string nodeProtocol = q.IsEmbedding(workload) ? "embed-http" : "peer-http";
            if (q.Closed("aot-int8", workload, aotProtocol, 1) is null || q.Closed("node-int8", workload, nodeProtocol, 1) is null)
            {
                continue;
            }

            md.AppendLine(CultureInfo.InvariantCulture,
                $"| {workload} | {aotProtocol} | {nodeProtocol} | {Ratio(q.Closed("aot-int8", workload, aotProtocol, 1)?.Throughput, q.Closed("node-int8", workload, nodeProtocol, 1)?.Throughput)} | {Ratio(q.Closed("aot-int8", workload, aotProtocol, 16)?.Throughput, q.Closed("node-int8", workload, nodeProtocol, 16)?.Throughput)} | {Ratio(q.Closed("node-int8", workload, nodeProtocol, 1)?.P50Ms, q.Closed("aot-int8", workload, aotProtocol, 1)?.P50Ms)} |");
        }

        md.AppendLine();
    }
}
