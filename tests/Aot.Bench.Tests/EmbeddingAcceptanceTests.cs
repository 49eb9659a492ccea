using System.Text.Json;
using Aot.LoadGen.Results;
using Aot.LoadGen.Systems;
using Xunit;

namespace Aot.Bench.Tests;

/// <summary>Issue 14's report: Aot's server-measured padding waste, short texts under the mixed load, and the acceptance rows.</summary>
public class EmbeddingAcceptanceTests
{
    private static RunRecord Embed(string system, string workload, int clients, double throughput, double p99 = 50, double rss = 100) => new()
    {
        System = system, Kind = system == "aot" ? "aot" : "peer", Model = "minilm-embed", Workload = workload, Protocol = "embed-http",
        Mode = "closed", Concurrency = clients, P50Ms = p99 / 2, P90Ms = p99, P99Ms = p99, P999Ms = p99, MaxMs = p99, MeanMs = p99 / 2,
        Throughput = throughput, Requests = 100, Errors = 0, WindowSeconds = 4, RssSteadyMb = rss,
    };

    private static ServerRecord Server(string system, double afterLoadRss) => new()
    {
        System = system, Kind = system == "aot" ? "aot" : "peer", Model = Aot.LoadGen.Workloads.WorkloadCatalog.EmbedModel, CommandLine = system,
        Settings = new Dictionary<string, string>(), AfterLoadRssMb = afterLoadRss, Status = "ok", Log = "log",
    };

    private static SuiteResults Suite(double aotMixed16, double nodeMixed16, double waste16, double aotRss, double torchRss)
    {
        var results = new SuiteResults
        {
            Date = "2026-12-04", Quick = false, Machine = new MachineInfo(2, "cpu", 24, "linux", ".NET", "0.1 0.2 0.3"),
            LoadAverageAtStart = "0.1 0.2 0.3", Threads = 2, WorkloadNotes = "notes", Cpus = new CpuPlacement("0-1", null),
        };
        results.Runs.Add(Embed("aot", "embed-short-b1", 1, 200, p99: 4, rss: aotRss));
        results.Runs.Add(Embed("aot", "embed-mixed-b32", 1, 3, rss: aotRss) with { ServerPaddingWaste = 0.04 });
        results.Runs.Add(Embed("aot", "embed-mixed-b32", 16, aotMixed16, rss: aotRss) with { ServerPaddingWaste = waste16 });
        results.Runs.Add(Embed("aot", "embed-mixed-b32-beside-short", 16, 5) with { ServerPaddingWaste = 0.05, SharedWindowWith = "1 client × embed-short-b1" });
        results.Runs.Add(Embed("aot", "embed-short-b1-under-mixed", 1, 20, p99: 90) with { ServerPaddingWaste = 0.05, SharedWindowWith = "16 clients × embed-mixed-b32" });
        results.Runs.Add(Embed("node-ort", "embed-short-b1", 1, 150, p99: 6));
        results.Runs.Add(Embed("node-ort", "embed-mixed-b32", 16, nodeMixed16));
        results.Runs.Add(Embed("node-ort", "embed-mixed-b32-beside-short", 16, 0.4) with { SharedWindowWith = "1 client × embed-short-b1" });
        results.Runs.Add(Embed("node-ort", "embed-short-b1-under-mixed", 1, 0.5, p99: 3000) with { SharedWindowWith = "16 clients × embed-mixed-b32" });
        results.Runs.Add(Embed("torch-fastapi", "embed-short-b1", 1, 20, rss: torchRss));
        results.Servers.Add(Server("aot", aotRss));
        results.Servers.Add(Server("torch-fastapi", torchRss));
        results.EmbedPadding["embed-mixed-b32"] = Aot.LoadGen.Workloads.EmbedPadding.Of([8, 40, 256]);
        return results;
    }

    private static Dictionary<string, TargetCheck> Checks(SuiteResults results) =>
        EmbeddingAcceptance.Evaluate(new ResultsQuery(results)).ToDictionary(c => c.Target.Split(' ')[0] + (c.Target.Contains("waste", StringComparison.Ordinal) ? "-waste" : ""));

    [Fact]
    public void Every_row_is_met_when_the_figures_reach_the_issues_bounds()
    {
        Dictionary<string, TargetCheck> checks = Checks(Suite(aotMixed16: 6.5, nodeMixed16: 5, waste16: 0.10, aotRss: 150, torchRss: 300));
        Assert.Equal(4, checks.Count);
        Assert.True(checks["embed-mixed-b32"].Met);
        Assert.Equal("6.5 vs 5.0 req/s = 1.30×", checks["embed-mixed-b32"].Measured);
        Assert.True(checks["Aot-waste"].Met);
        Assert.Equal("4.0 % at 1 client, 10.0 % at 16 clients", checks["Aot-waste"].Measured);
        Assert.Equal("reported", checks["short"].Verdict);
        Assert.Equal("aot 90.00 ms (alone 4.00 ms); node-ort 3000 ms (alone 6.00 ms)", checks["short"].Measured);
        Assert.True(checks["minilm-embed"].Met);
    }

    [Fact]
    public void Each_row_misses_when_its_figure_is_past_the_bound()
    {
        Dictionary<string, TargetCheck> checks = Checks(Suite(aotMixed16: 6.4, nodeMixed16: 5, waste16: 0.101, aotRss: 151, torchRss: 300));
        Assert.False(checks["embed-mixed-b32"].Met);
        Assert.False(checks["Aot-waste"].Met);
        Assert.False(checks["minilm-embed"].Met);
        Assert.Equal("**missed**", checks["minilm-embed"].Verdict);
    }

    [Fact]
    public void Rows_without_their_runs_are_not_measured_never_met()
    {
        SuiteResults results = Suite(6.5, 5, 0.05, 100, 300);
        results.Runs.RemoveAll(r => r.System != "aot" || r.Workload.Contains("under", StringComparison.Ordinal) || r.ServerPaddingWaste is not null);
        results.Servers.RemoveAll(s => s.System != "aot");
        Assert.All(EmbeddingAcceptance.Evaluate(new ResultsQuery(results)), c => Assert.Equal("not measured", c.Verdict));
    }

    [Fact]
    public void The_report_shows_aots_server_measured_waste_the_short_under_mixed_table_and_the_acceptance()
    {
        string md = MarkdownReport.Build(Suite(6.5, 5, 0.08, 150, 300), []);
        Assert.Contains("| embed-mixed-b32 | 3 | 256 | 304 | 464 | 60.4 % | 4.0 % (c=1) · 8.0 % (c=16) |", md, StringComparison.Ordinal);
        Assert.Contains("## embed-short-b1 under embed-mixed-b32 load", md, StringComparison.Ordinal);
        Assert.Contains("| aot | 2.00 · 4.00 | 45.00 · 90.00 (100 requests) | 5.0 | 6.5 |", md, StringComparison.Ordinal);
        Assert.Contains("| node-ort | 3.00 · 6.00 | 1500 · 3000 (100 requests) | 0.4 | 5.0 |", md, StringComparison.Ordinal);
        Assert.Contains("## Issue 14 acceptance (embeddings, same run)", md, StringComparison.Ordinal);
        Assert.Contains("| embed-mixed-b32 at 16 clients: Aot ÷ node-ort throughput ≥ 1.3× (fp32) | 6.5 vs 5.0 req/s = 1.30× | **met** |", md, StringComparison.Ordinal);
        // The shared-window records have their own table, not a comparison table of their own.
        Assert.DoesNotContain("### embed-short-b1-under-mixed", md, StringComparison.Ordinal);
    }

    [Fact]
    public void The_new_fields_are_written_to_json_and_csv()
    {
        SuiteResults results = Suite(6.5, 5, 0.08, 150, 300);
        using JsonDocument json = JsonDocument.Parse(JsonResultsWriter.Serialize(results));
        JsonElement probe = json.RootElement.GetProperty("runs")[4];
        Assert.Equal("16 clients × embed-mixed-b32", probe.GetProperty("sharedWindowWith").GetString());
        Assert.Equal(0.05, probe.GetProperty("serverPaddingWaste").GetDouble());
        string[] csv = CsvResultsWriter.Format(results.Runs).Split('\n');
        Assert.Contains(",4,0.05,16 clients × embed-mixed-b32,true,", csv[5], StringComparison.Ordinal);
        Assert.Contains(",4,,,true,", csv[6], StringComparison.Ordinal);
    }
}
