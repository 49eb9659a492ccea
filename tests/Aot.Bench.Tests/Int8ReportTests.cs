using Aot.LoadGen.Results;
using Aot.LoadGen.Systems;
using Xunit;

namespace Aot.Bench.Tests;

/// <summary>results.md's "int8 next to fp32" section: each int8 system paired with its fp32 one, and int8 Aot with int8 Node.</summary>
public class Int8ReportTests
{
    private static RunRecord Run(string system, string kind, string protocol, int concurrency, double p50, double throughput) => new()
    {
        System = system, Kind = kind, Model = "resnet50", Workload = "resnet50", Protocol = protocol, Mode = "closed",
        Concurrency = concurrency, P50Ms = p50, P90Ms = p50, P99Ms = p50, P999Ms = p50, MaxMs = p50, MeanMs = p50,
        Throughput = throughput, Requests = 100, Errors = 0, WindowSeconds = 5,
    };

    private static SuiteResults Suite(bool withInt8)
    {
        var results = new SuiteResults
        {
            Date = "2026-12-04", Quick = false, Machine = new MachineInfo(2, "cpu", 24, "linux", ".NET", "0.1 0.2 0.3"),
            LoadAverageAtStart = "0.1 0.2 0.3", Threads = 2, WorkloadNotes = "notes", Cpus = new CpuPlacement("0-1", null),
        };
        results.Runs.Add(Run("in-process", "floor", "in-process", 1, 80, 12.5));
        results.Runs.Add(Run("aot", "aot", "binary", 1, 100, 10));
        results.Runs.Add(Run("aot", "aot", "binary", 16, 100, 8));
        results.Runs.Add(Run("node-ort", "peer", "peer-http", 1, 200, 5));
        results.Runs.Add(Run("node-ort", "peer", "peer-http", 16, 200, 4));
        if (withInt8)
        {
            results.Runs.Add(Run("in-process-int8", "floor", "in-process", 1, 20, 50));
            results.Runs.Add(Run("aot-int8", "aot", "binary", 1, 40, 25));
            results.Runs.Add(Run("aot-int8", "aot", "binary", 16, 40, 24));
            results.Runs.Add(Run("node-int8", "peer", "peer-http", 1, 80, 12.5));
            results.Runs.Add(Run("node-int8", "peer", "peer-http", 16, 80, 12));
        }

        return results;
    }

    [Fact]
    public void Each_int8_system_is_set_against_its_fp32_system_and_int8_aot_against_int8_node()
    {
        string md = MarkdownReport.Build(Suite(withInt8: true), []);
        Assert.Contains("| resnet50 | in-process | in-process | 80.00 | 20.00 | 0.25× | – | – | – |", md, StringComparison.Ordinal);
        Assert.Contains("| resnet50 | aot | binary | 100 | 40.00 | 0.40× | 8.0 | 24.0 | 3.00× |", md, StringComparison.Ordinal);
        Assert.Contains("| resnet50 | node-ort | peer-http | 200 | 80.00 | 0.40× | 4.0 | 12.0 | 3.00× |", md, StringComparison.Ordinal);
        Assert.Contains("| resnet50 | binary | peer-http | 2.00× | 2.00× | 2.00× |", md, StringComparison.Ordinal);
    }

    [Fact]
    public void The_int8_node_peer_stays_out_of_the_fp32_peer_list_and_fp32_reports_have_no_int8_section()
    {
        Assert.Equal(["node-ort"], new ResultsQuery(Suite(withInt8: true)).Peers("resnet50"));
        Assert.DoesNotContain("int8 next to fp32", MarkdownReport.Build(Suite(withInt8: false), []), StringComparison.Ordinal);
    }
}
