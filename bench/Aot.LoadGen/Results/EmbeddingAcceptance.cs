using System.Globalization;
using Aot.LoadGen.Suite;
using static Aot.LoadGen.Results.Format;

namespace Aot.LoadGen.Results;

/// <summary>
/// Issue 14's "same bench run" acceptance for embeddings, against a suite's records: the mixed-length workload's
/// throughput against the Node onnxruntime peer (fp32), Aot's server-measured padding waste on it, short texts' p99
/// under the mixed load (reported), and the embedding server's RSS against the PyTorch peer's. Never tuned: a miss says missed.
/// </summary>
internal static class EmbeddingAcceptance
{
    private const string Mixed = "embed-mixed-b32";
    private const string Protocol = "embed-http";

    public static IEnumerable<TargetCheck> Evaluate(ResultsQuery q)
    {
        double? aot = q.Closed("aot", Mixed, Protocol, 16)?.Throughput;
        double? node = q.Closed("node-ort", Mixed, Protocol, 16)?.Throughput;
        yield return new TargetCheck($"{Mixed} at 16 clients: Aot ÷ node-ort throughput ≥ 1.3× (fp32)",
            $"{Rate(aot)} vs {Rate(node)} req/s = {Ratio(aot, node)}", TargetChecks.AtMost(1.3 * node, aot));

        // Every client count Aot ran the workload at; the worst one decides.
        IReadOnlyList<(int Clients, double Waste)> waste = q.ServerPaddingWaste("aot", Mixed);
        yield return new TargetCheck($"Aot server-measured padding waste on {Mixed} ≤ 10 % (worst over its client counts)",
            waste.Count == 0 ? "not measured (no `aot_batch_padded_tokens_total` in the window)" : string.Join(", ", waste.Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.Waste:P1} at {w.Clients} client{(w.Clients == 1 ? "" : "s")}"))),
            waste.Count == 0 ? null : waste.Max(w => w.Waste) <= 0.10);

        SharedWindowCase shared = SharedWindowCase.ShortUnderMixed;
        List<string> underLoad = [];
        foreach (string system in shared.Systems)
        {
            if (q.Closed(system, shared.ProbeRecord, Protocol, shared.ProbeClients) is { } probe)
            {
                double? alone = q.Closed(system, shared.Probe, Protocol, shared.ProbeClients)?.P99Ms;
                underLoad.Add($"{system} {Ms(probe.P99Ms)} ms (alone {Ms(alone)} ms)");
            }
        }

        yield return new TargetCheck($"short texts' p99 under the mixed load ({shared.ProbeSharedWith} beside {shared.LoadSharedWith})",
            underLoad.Count == 0 ? "not measured" : string.Join("; ", underLoad), underLoad.Count == 0 ? null : true)
        { ReportOnly = true };

        // Issue 14 item 6: the embedding server's RSS with MiniLM loaded, after the bench's embedding load; the median
        // under load is shown beside it.
        double? aotAfter = q.Server("aot", WorkloadModel)?.AfterLoadRssMb;
        double? torchAfter = q.Server("torch-fastapi", WorkloadModel)?.AfterLoadRssMb;
        double? aotRss = q.SteadyRss("aot", WorkloadModel);
        double? torchRss = q.SteadyRss("torch-fastapi", WorkloadModel);
        yield return new TargetCheck($"{WorkloadModel} server RSS after the embedding load ≤ 0.5× torch-fastapi's",
            $"{Mb(aotAfter)} MB vs {Mb(torchAfter)} MB = {Ratio(aotAfter, torchAfter)} (median under load, largest over runs: {Mb(aotRss)} vs {Mb(torchRss)} MB = {Ratio(aotRss, torchRss)})",
            TargetChecks.AtMost(aotAfter, torchAfter / 2));
    }

    private const string WorkloadModel = Workloads.WorkloadCatalog.EmbedModel;
}
