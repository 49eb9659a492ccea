using System.Globalization;
using System.Text;
using static Aot.LoadGen.Results.Format;

namespace Aot.LoadGen.Results;

/// <summary>
/// Writes results.md: the headline table, Aot's overhead over in-process next to the echo floor, gRPC next to HTTP and
/// binary, throughput and p99 against every peer with ratios, the /embed tables with padding waste (per request, and
/// Aot's as its server counted it), short texts under the mixed load, int8 next to fp32, batching gain, RSS and cold
/// start against every peer, the brief's targets and issue 14's acceptance met or missed, open-loop runs, every system's
/// settings, and every error or skipped system.
/// </summary>
internal static class MarkdownReport
{
    private static readonly string[] AotSystems = ["aot", "aot-batch", "aot-batch-d500"];

    public static string Build(SuiteResults results, IReadOnlyList<string> charts)
    {
        var q = new ResultsQuery(results);
        var md = new StringBuilder();
        MachineInfo m = results.Machine;
        md.AppendLine(CultureInfo.InvariantCulture, $"# Aot benchmarks, {results.Date}{(results.Quick ? " (quick subset)" : "")}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {m.Processors} CPUs ({m.CpuModel}), {m.MemoryGb} GB, {m.Os}, harness on {m.Runtime}. " +
            $"Load average (1/5/15 min) at start: {results.LoadAverageAtStart}; at end: {results.LoadAverageAtEnd}. " +
            $"Total time {Num(results.TotalSeconds, "0")} s. One load generator for all systems.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"CPU placement: {results.Cpus.Describe()}.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Threads: every ONNX Runtime session (and PyTorch) gets {results.Threads} intra-op threads, 1 inter-op. {results.WorkloadNotes}");
        md.AppendLine();
        Headline(md, q);
        Overhead(md, q);
        GrpcReport.Append(md, q);
        PeerComparison(md, q);
        Embeddings(md, q);
        Int8Report.Append(md, q);
        SharedWindows(md, q);
        Batching(md, q);
        Memory(md, q);
        Targets(md, q);
        Checks(md, "Issue 14 acceptance (embeddings, same run)", EmbeddingAcceptance.Evaluate(q));
        OpenLoop(md, q);
        Settings(md, results);
        Problems(md, results);
        if (charts.Count > 0)
        {
            md.AppendLine("## Charts").AppendLine();
            foreach (string chart in charts)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"![{chart}]({chart})");
            }

            md.AppendLine();
        }

        return md.ToString();
    }

    private static void Headline(StringBuilder md, ResultsQuery q)
    {
        md.AppendLine("## Headline").AppendLine();
        md.AppendLine("Latency at 1 client (ms), throughput (req/s) and p99 at 16 clients, server RSS (median under load, MB), server CPU seconds per 1,000 requests at 16 clients, errors over all runs.").AppendLine();
        md.AppendLine("| workload | system | protocol | p50 c=1 | p99 c=1 | req/s c=16 | p99 c=16 | RSS MB | CPU s/1k | errors |");
        md.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (string workload in q.Workloads)
        {
            foreach (RunRecord floor in q.Results.Runs.Where(r => r.Workload == workload && r.Kind == "floor"))
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {workload} | {floor.System} | {floor.Protocol} | {Cells(q, floor.System, workload, floor.Protocol, 1, r => Ms(r.P50Ms), r => Ms(r.P99Ms))} | – | – | – | – | {floor.Errors} |");
            }

            foreach ((string system, string protocol) in q.Series(workload))
            {
                long errors = q.Results.Runs.Where(r => r.System == system && r.Workload == workload && r.Protocol == protocol).Sum(r => r.Errors);
                md.AppendLine(CultureInfo.InvariantCulture, $"| {workload} | {system} | {protocol} | {Cells(q, system, workload, protocol, 1, r => Ms(r.P50Ms), r => Ms(r.P99Ms))} | {Cells(q, system, workload, protocol, 16, r => Rate(r.Throughput), r => Ms(r.P99Ms), r => Mb(r.RssSteadyMb), r => Num(r.CpuSecondsPer1k, "0.00"))} | {errors} |");
            }
        }

        md.AppendLine();
    }

    /// <summary>
    /// Table cells of one closed-loop run: the figures when it measured something; when it did not, its note in the
    /// first cell (e.g. "no request completed in 15 s") and "–" in the others; "–" everywhere when it was not run.
    /// </summary>
    private static string Cells(ResultsQuery q, string system, string workload, string protocol, int concurrency, params Func<RunRecord, string>[] figures)
    {
        if (q.Closed(system, workload, protocol, concurrency) is { } run)
        {
            return string.Join(" | ", figures.Select(figure => figure(run)));
        }

        string? note = q.NotMeasured(system, workload, protocol, concurrency);
        return string.Join(" | ", figures.Select((_, i) => i == 0 && note is not null ? $"*{note}*" : "–"));
    }

    private static void Overhead(StringBuilder md, ResultsQuery q)
    {
        md.AppendLine("## Aot's overhead over in-process, next to the echo floor").AppendLine();
        md.AppendLine("p50 at 1 client. Overhead = Aot p50 − in-process p50. Targets (brief): binary ≤ echo + 15 µs, HTTP JSON ≤ echo + 100 µs.").AppendLine();
        md.AppendLine("| workload | in-process | TCP echo | Aot binary | binary overhead | ≤ echo+15 µs? | Aot KServe HTTP | HTTP overhead | ≤ echo+100 µs? |");
        md.AppendLine("|---|---:|---:|---:|---:|---|---:|---:|---|");
        foreach (string workload in q.Workloads.Where(w => !q.IsEmbedding(w)))
        {
            double? floor = q.Closed("in-process", workload, "in-process", 1)?.P50Ms;
            double? echo = q.Closed("tcp-echo", workload, "tcp-echo", 1)?.P50Ms;
            double? binary = q.Closed("aot", workload, "binary", 1)?.P50Ms;
            double? http = q.Closed("aot", workload, "kserve-http", 1)?.P50Ms;
            double? binaryOverhead = binary - floor;
            double? httpOverhead = http - floor;
            md.AppendLine(CultureInfo.InvariantCulture, $"| {workload} | {Us(floor)} | {Us(echo)} | {Us(binary)} | {Us(binaryOverhead)} | {Verdict(TargetChecks.AtMost(binaryOverhead, echo + 0.015))} | {Us(http)} | {Us(httpOverhead)} | {Verdict(TargetChecks.AtMost(httpOverhead, echo + 0.100))} |");
        }

        md.AppendLine();
        md.AppendLine("On the large workloads the overhead also holds moving the request and answer bytes (e.g. 602 KB in for ResNet-50, 197 KB out for MiniLM s128), which the echo floor moves too; on HTTP, JSON text of those tensors must be parsed and written.").AppendLine();
    }

    private static void PeerComparison(StringBuilder md, ResultsQuery q)
    {
        md.AppendLine("## Throughput and p99 against each peer").AppendLine();
        md.AppendLine("Closed loop. Each cell: req/s · p99 ms. Ratios: Aot throughput ÷ peer throughput, for Aot's HTTP JSON (KServe V2, the like-for-like protocol: peers speak plain JSON) and Aot's best binary (batching on).").AppendLine();
        foreach (string workload in q.Workloads.Where(w => !q.IsEmbedding(w)))
        {
            ComparisonTable(md, q, workload, s => $"{s.System} {s.Protocol}",
                ("HTTP ÷ {0}", (c, peer) => Ratio(q.Closed("aot", workload, "kserve-http", c)?.Throughput, q.Closed(peer, workload, "peer-http", c)?.Throughput)),
                ("batch binary ÷ {0}", (c, peer) => Ratio(q.Closed("aot-batch", workload, "binary", c)?.Throughput, q.Closed(peer, workload, "peer-http", c)?.Throughput)),
                ("p99 {0} ÷ Aot HTTP p99", (c, peer) => Ratio(q.Closed(peer, workload, "peer-http", c)?.P99Ms, q.Closed("aot", workload, "kserve-http", c)?.P99Ms)));
        }
    }

    /// <summary>
    /// One workload's table: a row per concurrency, a column per (system, protocol) with req/s · p99 (or why the window
    /// is no result), then the <paramref name="perPeer"/> columns for each peer (header with <c>{0}</c> = the peer).
    /// </summary>
    private static void ComparisonTable(StringBuilder md, ResultsQuery q, string workload, Func<(string System, string Protocol), string> label,
        params (string Header, Func<int, string, string> Cell)[] perPeer)
    {
        IReadOnlyList<(string System, string Protocol)> series = q.Series(workload);
        IReadOnlyList<string> peers = q.Peers(workload);
        if (series.Count == 0)
        {
            return;
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"### {workload}").AppendLine();
        md.Append("| clients | ").AppendJoin(" | ", series.Select(label));
        foreach (string peer in peers)
        {
            md.Append(" | ").AppendJoin(" | ", perPeer.Select(column => string.Format(CultureInfo.InvariantCulture, column.Header, peer)));
        }

        md.AppendLine(" |");
        md.Append("|---:|").AppendJoin("", series.Select(_ => "---:|")).AppendJoin("", peers.SelectMany(_ => perPeer.Select(_ => "---:|"))).AppendLine();
        foreach (int c in q.Levels(workload))
        {
            md.Append(CultureInfo.InvariantCulture, $"| {c} | ");
            md.AppendJoin(" | ", series.Select(s => Cells(q, s.System, workload, s.Protocol, c, r => $"{Rate(r.Throughput)} · {Ms(r.P99Ms)}")));
            foreach (string peer in peers)
            {
                md.Append(" | ").AppendJoin(" | ", perPeer.Select(column => column.Cell(c, peer)));
            }

            md.AppendLine(" |");
        }

        md.AppendLine();
    }

    private static void Embeddings(StringBuilder md, ResultsQuery q)
    {
        List<string> workloads = [.. q.Workloads.Where(w => q.IsEmbedding(w) && !q.IsSharedWindow(w))];
        if (workloads.Count == 0)
        {
            return;
        }

        md.AppendLine("## Embeddings: TEI's POST /embed").AppendLine();
        md.AppendLine("Texts in, vectors out: each system tokenises, runs all-MiniLM-L6-v2 on the padded batch, mean-pools and L2-normalises; the same body for every system. Closed loop. Each cell: req/s · p99 ms (× texts per request = texts/s). Ratios: Aot throughput ÷ peer throughput, and peer p99 ÷ Aot p99.").AppendLine();
        foreach (string workload in workloads)
        {
            ComparisonTable(md, q, workload, s => s.System,
                ("Aot ÷ {0}", (c, peer) => Ratio(q.Closed("aot", workload, "embed-http", c)?.Throughput, q.Closed(peer, workload, "embed-http", c)?.Throughput)),
                ("p99 {0} ÷ Aot p99", (c, peer) => Ratio(q.Closed(peer, workload, "embed-http", c)?.P99Ms, q.Closed("aot", workload, "embed-http", c)?.P99Ms)));
        }

        if (q.Results.EmbedPadding.Count > 0)
        {
            md.AppendLine("Padding waste = padded positions ÷ all positions the model computes. Per request (client-computed, from the texts' exact token counts): a request's texts run as one batch padded to its longest text — what the Node and PyTorch peers do, so this is their figure. Aot cuts a request's texts into runs of similar length (docs/server.md, \"Token budget\"), so its own figure is the server's: `aot_batch_padded_tokens_total` and `aot_batch_tokens_total` read from /metrics at the window's edges, (padded − real) ÷ padded of the batches run in the window.").AppendLine();
            md.AppendLine("| workload | texts | longest (tokens) | real tokens | padding tokens | per-request waste (client-computed; peers) | Aot server-measured waste |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---|");
            foreach (string workload in workloads)
            {
                if (q.Results.EmbedPadding.TryGetValue(workload, out Workloads.EmbedPadding? p))
                {
                    IReadOnlyList<(int Clients, double Waste)> server = q.ServerPaddingWaste("aot", workload);
                    string measured = server.Count == 0 ? "–" : string.Join(" · ", server.Select(w => string.Create(CultureInfo.InvariantCulture, $"{w.Waste:P1} (c={w.Clients})")));
                    md.AppendLine(CultureInfo.InvariantCulture, $"| {workload} | {p.Texts} | {p.LongestTokens} | {p.RealTokens:N0} | {p.PaddingTokens:N0} | {p.Waste:P1} | {measured} |");
                }
            }

            md.AppendLine();
        }

        if (q.Results.EmbedAgreement.Count > 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"Same work? Each system's vectors for every text of each workload (its first answer), compared pairwise; the run fails below cosine {EmbedAgreement.Threshold}.").AppendLine();
            md.AppendLine("| workload | systems | texts | dims | min cosine | mean cosine | agree |");
            md.AppendLine("|---|---|---:|---:|---:|---:|---|");
            foreach (EmbedAgreement a in q.Results.EmbedAgreement)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {a.Workload} | {a.SystemA} · {a.SystemB} | {a.Texts} | {a.Dimensions} | {a.MinCosine:0.000000} | {a.MeanCosine:0.000000} | {(a.Agrees ? "yes" : $"**no**{(a.Problem is null ? "" : $": {a.Problem}")}")} |");
            }

            md.AppendLine();
        }
    }

    private static void Batching(StringBuilder md, ResultsQuery q)
    {
        md.AppendLine("## Batching gain").AppendLine();
        md.AppendLine("Binary protocol, closed loop: `aot` (--max-batch 1) against `aot-batch` (--max-batch 32 --max-delay-us 0) and, on the tiny model, `aot-batch-d500` (--max-delay-us 500).").AppendLine();
        md.AppendLine("| workload | clients | batching off req/s | on req/s | gain | on p50 ms | off p50 ms | d500 req/s | d500 p50 ms |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (string workload in q.Workloads)
        {
            foreach (int c in q.Levels(workload))
            {
                RunRecord? off = q.Closed("aot", workload, "binary", c);
                RunRecord? on = q.Closed("aot-batch", workload, "binary", c);
                RunRecord? d500 = q.Closed("aot-batch-d500", workload, "binary", c);
                if (off is null && on is null)
                {
                    continue;
                }

                md.AppendLine(CultureInfo.InvariantCulture, $"| {workload} | {c} | {Rate(off?.Throughput)} | {Rate(on?.Throughput)} | {Ratio(on?.Throughput, off?.Throughput)} | {Ms(on?.P50Ms)} | {Ms(off?.P50Ms)} | {Rate(d500?.Throughput)} | {Ms(d500?.P50Ms)} |");
            }
        }

        md.AppendLine();
    }

    private static void Memory(StringBuilder md, ResultsQuery q)
    {
        md.AppendLine("## Memory and cold start against each peer").AppendLine();
        md.AppendLine("Cold start: process start → ready (health endpoint 200) → first answer to the workload's request. RSS: after the first answer (idle), median under load (largest over the runs), after the load (5 s after the server's last window), lifetime peak (VmHWM). In-process model load (ONNX Runtime session creation) is listed for the brief's \"≤ 0.5 s plus model load\".").AppendLine();
        md.AppendLine("| model | system | ready ms | first answer ms | idle RSS MB | RSS under load MB | RSS after load MB | peak RSS MB | RSS ÷ Aot's | status |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (string model in q.Results.Servers.Select(s => s.Model).Distinct())
        {
            double? aotRss = q.SteadyRss("aot", model);
            foreach (ServerRecord server in q.Results.Servers.Where(s => s.Model == model && s.Kind != "floor"))
            {
                double? rss = q.SteadyRss(server.System, model);
                md.AppendLine(CultureInfo.InvariantCulture, $"| {model} | {server.System} | {Num(server.ReadyMs, "0")} | {Num(server.FirstAnswerMs, "0")} | {Mb(server.IdleRssMb)} | {Mb(rss)} | {Mb(server.AfterLoadRssMb)} | {Mb(server.LifetimePeakRssMb)} | {Ratio(rss, aotRss)} | {server.Status} |");
            }
        }

        md.AppendLine();
        md.AppendLine("| model | file MB | in-process load ms |");
        md.AppendLine("|---|---:|---:|");
        foreach (ModelLoadRecord load in q.Results.ModelLoads)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {load.Model} | {Num(load.FileMb, "0.0")} | {Num(load.LoadMs, "0")} |");
        }

        md.AppendLine();
    }

    private static void Targets(StringBuilder md, ResultsQuery q) => Checks(md, "The brief's targets", TargetChecks.Evaluate(q));

    private static void Checks(StringBuilder md, string title, IEnumerable<TargetCheck> checks)
    {
        md.AppendLine(CultureInfo.InvariantCulture, $"## {title}").AppendLine();
        md.AppendLine("| target | measured | verdict |");
        md.AppendLine("|---|---|---|");
        foreach (TargetCheck check in checks)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {check.Target} | {check.Measured} | {check.Verdict} |");
        }

        md.AppendLine();
    }

    /// <summary>The shared-window cases: the probe's latency alone and under the load, and the load's throughput.</summary>
    private static void SharedWindows(StringBuilder md, ResultsQuery q)
    {
        foreach (Suite.SharedWindowCase shared in Suite.SharedWindowCase.All)
        {
            List<string> systems = [.. q.Results.Runs.Where(r => r.Workload == shared.ProbeRecord || r.Workload == shared.LoadRecord).Select(r => r.System).Distinct()];
            if (systems.Count == 0)
            {
                continue;
            }

            md.AppendLine(CultureInfo.InvariantCulture, $"## {shared.Probe} under {shared.Load} load").AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"Against one server, in one window, closed loop: {shared.LoadSharedWith} and {shared.ProbeSharedWith}, each its own load run (records `{shared.LoadRecord}` and `{shared.ProbeRecord}`). \"Alone\": the {shared.Probe} run at {shared.ProbeClients} client{(shared.ProbeClients == 1 ? "" : "s")} with nothing else running; {shared.Load} alone at {shared.LoadClients} clients for comparison.").AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"| system | {shared.Probe} p50 · p99 ms alone | under load (requests in the window) | {shared.Load} req/s under it | {shared.Load} req/s alone |");
            md.AppendLine("|---|---:|---:|---:|---:|");
            foreach (string system in systems)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"| {system} | {Cells(q, system, shared.Probe, "embed-http", shared.ProbeClients, LatencyPair)} | {Cells(q, system, shared.ProbeRecord, "embed-http", shared.ProbeClients, r => $"{LatencyPair(r)} ({r.Requests} requests)")} | {Cells(q, system, shared.LoadRecord, "embed-http", shared.LoadClients, r => Rate(r.Throughput))} | {Cells(q, system, shared.Load, "embed-http", shared.LoadClients, r => Rate(r.Throughput))} |");
            }

            md.AppendLine();
        }

        static string LatencyPair(RunRecord r) => $"{Ms(r.P50Ms)} · {Ms(r.P99Ms)}";
    }

    private static void OpenLoop(StringBuilder md, ResultsQuery q)
    {
        List<RunRecord> open = [.. q.Results.Runs.Where(r => r.Mode == "open")];
        if (open.Count == 0)
        {
            return;
        }

        md.AppendLine("## Open loop (fixed arrival rate)").AppendLine();
        md.AppendLine("Latency counted from each request's intended send time, so queueing (in the server or for a free connection) is not hidden. The client's timers wake ~1 ms late at worst; the mean send lateness is shown and is included in the latencies.").AppendLine();
        md.AppendLine("| workload | system | protocol | rate/s | connections | achieved req/s | p50 | p90 | p99 | p99.9 | mean lateness ms | errors |");
        md.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (RunRecord r in open)
        {
            string figures = r.Measured
                ? $"{Rate(r.Throughput)} | {Ms(r.P50Ms)} | {Ms(r.P90Ms)} | {Ms(r.P99Ms)} | {Ms(r.P999Ms)} | {Ms(r.MeanSendLatenessMs)}"
                : $"*{r.Note}* | – | – | – | – | –";
            md.AppendLine(CultureInfo.InvariantCulture, $"| {r.Workload} | {r.System} | {r.Protocol} | {Rate(r.RatePerSecond)} | {r.Concurrency} | {figures} | {r.Errors} |");
        }

        md.AppendLine();
    }

    private static void Settings(StringBuilder md, SuiteResults results)
    {
        md.AppendLine("## Systems and their settings").AppendLine();
        foreach (ServerRecord server in results.Servers.DistinctBy(s => s.System))
        {
            md.AppendLine("- **" + server.System + "**: " + string.Join("; ", server.Settings.Select(kv => $"{kv.Key}: {kv.Value}")));
            md.AppendLine(CultureInfo.InvariantCulture, $"  - command: `{server.CommandLine}`");
        }

        md.AppendLine("- **in-process**: Aot.Runtime `ModelRunner` (ONNX Runtime 1.31 with IoBinding) in the load generator's process; each request copies the inputs into the runner and runs.");
        md.AppendLine();
        md.AppendLine("Workloads:").AppendLine();
        foreach ((string name, string description) in results.Workloads)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- `{name}`: {description}");
        }

        md.AppendLine();
    }

    private static void Problems(StringBuilder md, SuiteResults results)
    {
        md.AppendLine("## Errors, failures and skipped systems").AppendLine();
        List<RunRecord> failed = [.. results.Runs.Where(r => r.Errors > 0)];
        List<RunRecord> unmeasured = [.. results.Runs.Where(r => !r.Measured)];
        List<ServerRecord> down = [.. results.Servers.Where(s => s.Status != "ok")];
        if (failed.Count == 0 && unmeasured.Count == 0 && down.Count == 0 && results.Skipped.Count == 0 && results.EmbedAgreement.All(a => a.Agrees))
        {
            md.AppendLine("None: every system started, every window measured, and every request was served without an error.").AppendLine();
            return;
        }

        foreach (ServerRecord s in down)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {s.System} on {s.Model} {s.Status} (log: `{s.Log}`)");
        }

        foreach (RunRecord r in failed)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {r.System} {r.Workload} {r.Protocol} c={r.Concurrency}: {r.Errors} errors, first: {r.FirstError}");
        }

        foreach (RunRecord r in unmeasured)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- NOT MEASURED: {r.System} {r.Workload} {r.Protocol} {r.Mode} c={r.Concurrency}: {r.Note} (window stretched from {Num(r.NominalWindowSeconds, "0.#")} s; counts as a failure of the run)");
        }

        foreach (EmbedAgreement a in results.EmbedAgreement.Where(a => !a.Agrees))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- EMBEDDINGS DISAGREE: {a.SystemA} and {a.SystemB} on {a.Workload}: {a.Problem ?? $"min cosine {a.MinCosine:0.000000} < {EmbedAgreement.Threshold}"}");
        }

        foreach (SkippedSystem s in results.Skipped)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- skipped {s.System}: {s.Reason}");
        }

        md.AppendLine();
    }
}
