using System.Globalization;
using static Aot.LoadGen.Results.Format;

namespace Aot.LoadGen.Results;

/// <summary>Checks the brief's "Numbers to reach" against a suite's records. Never tuned: a miss says missed.</summary>
internal static class TargetChecks
{
    public static IEnumerable<TargetCheck> Evaluate(ResultsQuery q)
    {
        double? floor = q.Closed("in-process", "tiny", "in-process", 1)?.P50Ms;
        double? echo = q.Closed("tcp-echo", "tiny", "tcp-echo", 1)?.P50Ms;
        double? binary = q.Closed("aot", "tiny", "binary", 1)?.P50Ms;
        double? http = q.Closed("aot", "tiny", "kserve-http", 1)?.P50Ms;
        yield return new TargetCheck("binary protocol overhead over in-process ≤ echo + 15 µs (tiny, p50, 1 client)",
            $"overhead {Us(binary - floor)}, echo {Us(echo)}", AtMost(binary - floor, echo + 0.015));
        yield return new TargetCheck("HTTP JSON overhead over in-process ≤ echo + 100 µs (tiny, p50, 1 client)",
            $"overhead {Us(http - floor)}, echo {Us(echo)}", AtMost(http - floor, echo + 0.100));

        // Issue 17 (gRPC): the raw-contents fast path costs no more than JSON for a lone request, and keeps up with the binary protocol under load.
        double? grpc = q.Closed("aot", "tiny", "grpc", 1)?.P50Ms;
        yield return new TargetCheck("gRPC raw-contents p50 ≤ HTTP JSON p50 (tiny, 1 client)",
            $"gRPC {Us(grpc)} vs HTTP {Us(http)} = {Ratio(grpc, http)}", AtMost(grpc, http));
        double? grpc16 = q.Closed("aot", "tiny", "grpc", 16)?.Throughput;
        double? binary16 = q.Closed("aot", "tiny", "binary", 16)?.Throughput;
        yield return new TargetCheck("gRPC throughput ≥ 0.8× the binary protocol's (tiny, 16 clients)",
            $"{Rate(grpc16)} vs {Rate(binary16)} req/s = {Ratio(grpc16, binary16)}", AtMost(0.8 * binary16, grpc16));

        int c = q.Levels("tiny").Contains(32) ? 32 : 16;
        double? aspnet = q.Closed("aspnet-ort", "tiny", "peer-http", c)?.Throughput;
        double? aotHttp = q.Closed("aot", "tiny", "kserve-http", c)?.Throughput;
        double? aotBatch = q.Closed("aot-batch", "tiny", "binary", c)?.Throughput;
        double? aotBinary = q.Closed("aot", "tiny", "binary", c)?.Throughput;
        yield return new TargetCheck($"≥ 3× the ASP.NET peer's throughput, tiny, {c} clients (Aot over HTTP JSON)",
            $"{Rate(aotHttp)} vs {Rate(aspnet)} req/s = {Ratio(aotHttp, aspnet)}", AtMost(3 * aspnet, aotHttp));
        yield return new TargetCheck($"≥ 3× the ASP.NET peer's throughput, tiny, {c} clients (Aot binary, batching on)",
            $"{Rate(aotBatch)} vs {Rate(aspnet)} req/s = {Ratio(aotBatch, aspnet)}", AtMost(3 * aspnet, aotBatch));
        yield return new TargetCheck($"dynamic batching ≥ 1.5× batching off, tiny, {c} clients (binary)",
            $"{Rate(aotBatch)} vs {Rate(aotBinary)} req/s = {Ratio(aotBatch, aotBinary)}", AtMost(1.5 * aotBinary, aotBatch));

        // The brief asks this of "a small model" (its overhead targets name the tiny one): all-MiniLM-L6-v2, 22 M
        // parameters, is the small real model here; on the tiny model a run costs less than moving the request, so
        // there is little for batching to share.
        foreach (string small in (string[])["minilm-s16", "minilm-s128"])
        {
            int sc = q.Levels(small).Contains(32) ? 32 : 16;
            double? on = q.Closed("aot-batch", small, "binary", sc)?.Throughput;
            double? off = q.Closed("aot", small, "binary", sc)?.Throughput;
            if (on is not null || off is not null)
            {
                yield return new TargetCheck($"dynamic batching ≥ 1.5× batching off, small model {small}, {sc} clients (binary)",
                    $"{Rate(on)} vs {Rate(off)} req/s = {Ratio(on, off)}", AtMost(1.5 * off, on));
            }
        }

        double? loneOn = q.Closed("aot-batch", "tiny", "binary", 1)?.P50Ms;
        double? loneOff = q.Closed("aot", "tiny", "binary", 1)?.P50Ms;
        // "No added latency": within 10 µs or 5 % of batching off, whichever is larger (run-to-run noise).
        yield return new TargetCheck("batching adds no latency to a lone request (tiny, p50, 1 client)",
            $"on {Us(loneOn)} vs off {Us(loneOff)}", AtMost(loneOn, loneOff + Math.Max(0.010, 0.05 * (loneOff ?? 0))));

        foreach (ServerRecord aot in q.Results.Servers.Where(s => s.System == "aot"))
        {
            double? load = q.Results.ModelLoads.FirstOrDefault(l => l.Model == aot.Model)?.LoadMs;
            yield return new TargetCheck($"cold start to ready ≤ 0.5 s + model load ({aot.Model})",
                string.Create(CultureInfo.InvariantCulture, $"ready {Num(aot.ReadyMs, "0")} ms, in-process load {Num(load, "0")} ms"),
                AtMost(aot.ReadyMs, 500 + load));
        }

        foreach (string model in q.Results.Servers.Where(s => s.System == "torch-fastapi").Select(s => s.Model).Distinct())
        {
            // Only the cases both ran: memory follows the largest batch a server has seen (ONNX Runtime's arena keeps
            // its peak), so a case one of them skipped (the Python peer's 32 long texts) would compare unlike loads.
            (double? aotRss, double? torch, int skipped) = q.SteadyRssOnCommonCases("aot", "torch-fastapi", model);
            yield return new TargetCheck($"server RSS ≤ half the Python peer's ({model}, median under load{(skipped > 0 ? $", the cases both ran: {skipped} of Aot's left out" : "")})",
                $"{Mb(aotRss)} MB vs {Mb(torch)} MB = {Ratio(aotRss, torch)}", AtMost(aotRss, torch / 2));
        }

        RunRecord? allocation = q.Results.Runs
            .Where(r => r.System == "aot" && r.Workload == "tiny" && r.Protocol == "binary" && r.Mode == "closed" && r.Measured && r.ServerAllocatedBytesPerRequest is not null)
            .MaxBy(r => r.Requests);
        yield return allocation is null
            ? new TargetCheck("0 B managed allocation per binary-protocol request (server, steady state)",
                $"not measurable: the server's /metrics has no `{Resources.AllocationGauge.MetricName}`", null)
            // The /metrics scrapes at the window's edges allocate a few KB; spread over the window that is < 1 B/request.
            : new TargetCheck("0 B managed allocation per binary-protocol request (server, steady state)",
                string.Create(CultureInfo.InvariantCulture, $"{allocation.ServerAllocatedBytesPerRequest:0.0} B/request over {allocation.Requests} requests (tiny, {allocation.Concurrency} clients)"),
                allocation.ServerAllocatedBytesPerRequest < 1);
    }

    /// <summary>a ≤ b, or null when either was not measured.</summary>
    internal static bool? AtMost(double? a, double? b) => a is { } x && b is { } y ? x <= y : null;
}
