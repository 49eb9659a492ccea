using System.Globalization;
using System.Text;
using static Aot.LoadGen.Results.Format;

namespace Aot.LoadGen.Results;

/// <summary>
/// The "gRPC next to HTTP and the binary protocol" section of results.md: for each tensor workload, Aot (batching
/// off) over its three protocols at every concurrency, and issue 17's two ratios (gRPC p50 ÷ HTTP JSON p50 at 1
/// client, gRPC ÷ binary throughput at 16 clients).
/// </summary>
internal static class GrpcReport
{
    private static readonly string[] Protocols = ["binary", "kserve-http", "grpc"];

    public static void Append(StringBuilder md, ResultsQuery q)
    {
        string[] workloads = [.. q.Workloads.Where(w => !q.IsEmbedding(w) && q.Closed("aot", w, "grpc", 1) is not null)];
        if (workloads.Length == 0)
        {
            return;
        }

        md.AppendLine("## gRPC next to HTTP JSON and the binary protocol").AppendLine();
        md.AppendLine("Aot with batching off, one server per workload, the three protocols measured one after another in the same run. gRPC: KServe V2 `ModelInfer` with `raw_input_contents` through Grpc.Net.Client, one HTTP/2 channel per client. Each cell: req/s · p50 ms · p99 ms.").AppendLine();
        md.AppendLine("| workload | clients | binary | KServe HTTP JSON | gRPC (raw) | gRPC p50 ÷ HTTP p50 | gRPC req/s ÷ binary |");
        md.AppendLine("|---|---:|---|---|---|---:|---:|");
        foreach (string workload in workloads)
        {
            foreach (int c in q.Levels(workload))
            {
                RunRecord? grpc = q.Closed("aot", workload, "grpc", c);
                RunRecord? http = q.Closed("aot", workload, "kserve-http", c);
                RunRecord? binary = q.Closed("aot", workload, "binary", c);
                string cells = string.Join(" | ", Protocols.Select(p => q.Closed("aot", workload, p, c) is { } r ? $"{Rate(r.Throughput)} · {Ms(r.P50Ms)} · {Ms(r.P99Ms)}" : "–"));
                md.AppendLine(CultureInfo.InvariantCulture, $"| {workload} | {c} | {cells} | {Ratio(grpc?.P50Ms, http?.P50Ms)} | {Ratio(grpc?.Throughput, binary?.Throughput)} |");
            }
        }

        md.AppendLine();
    }
}
