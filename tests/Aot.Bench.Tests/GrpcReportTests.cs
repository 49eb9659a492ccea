using Aot.LoadGen.Results;
using Aot.LoadGen.Systems;
using Xunit;

namespace Aot.Bench.Tests;

/// <summary>results.md puts gRPC beside HTTP JSON and the binary protocol, and judges issue 17's two ratios from the same run's records.</summary>
public class GrpcReportTests
{
    private static RunRecord Run(string protocol, int concurrency, double throughput, double p50) => new()
    {
        System = "aot", Kind = "aot", Model = "tiny", Workload = "tiny", Protocol = protocol, Mode = "closed", Concurrency = concurrency,
        P50Ms = p50, P90Ms = p50, P99Ms = 2 * p50, P999Ms = 3 * p50, MaxMs = 4 * p50, MeanMs = p50, Throughput = throughput,
        Requests = (long)throughput * 2, Errors = 0, WindowSeconds = 2, RssSteadyMb = 100, RssPeakMb = 110, CpuSecondsPer1k = 0.05,
    };

    private static SuiteResults Results(double grpcP50, double grpcThroughput)
    {
        var results = new SuiteResults
        {
            Date = "2026-12-04", Quick = false, Machine = new MachineInfo(2, "cpu", 24, "linux", ".NET", "0.1 0.2 0.3"),
            LoadAverageAtStart = "0.1 0.2 0.3", Threads = 2, WorkloadNotes = "notes", Cpus = new CpuPlacement("0-1", null),
        };
        results.Runs.AddRange([Run("binary", 1, 10000, 0.06), Run("kserve-http", 1, 6000, 0.09), Run("grpc", 1, 5000, grpcP50)]);
        results.Runs.AddRange([Run("binary", 16, 20000, 0.5), Run("kserve-http", 16, 14000, 0.7), Run("grpc", 16, grpcThroughput, 0.9)]);
        return results;
    }

    [Fact]
    public void The_section_shows_the_three_protocols_and_the_ratios()
    {
        string md = MarkdownReport.Build(Results(grpcP50: 0.18, grpcThroughput: 10000), []);
        Assert.Contains("## gRPC next to HTTP JSON and the binary protocol", md);
        Assert.Contains("| tiny | 1 | 10000 · 0.060 · 0.120 | 6000 · 0.090 · 0.180 | 5000 · 0.180 · 0.360 | 2.00× | 0.50× |", md);
        Assert.Contains("| gRPC raw-contents p50 ≤ HTTP JSON p50 (tiny, 1 client) | gRPC 180 µs vs HTTP 90 µs = 2.00× | **missed** |", md);
        Assert.Contains("| gRPC throughput ≥ 0.8× the binary protocol's (tiny, 16 clients) | 10000 vs 20000 req/s = 0.50× | **missed** |", md);
    }

    [Fact]
    public void The_checks_are_met_when_the_figures_are()
    {
        string md = MarkdownReport.Build(Results(grpcP50: 0.08, grpcThroughput: 17000), []);
        Assert.Contains("| gRPC raw-contents p50 ≤ HTTP JSON p50 (tiny, 1 client) | gRPC 80 µs vs HTTP 90 µs = 0.89× | **met** |", md);
        Assert.Contains("| gRPC throughput ≥ 0.8× the binary protocol's (tiny, 16 clients) | 17000 vs 20000 req/s = 0.85× | **met** |", md);
    }
}
