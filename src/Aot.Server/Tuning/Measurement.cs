using System.Globalization;

namespace Aot.Server.Tuning;

/// <summary>
/// One timed window of load on one point: completed requests per second, latency percentiles (ms), and the CPU the
/// process used in cores (server and load driver together: they share the process).
/// </summary>
internal sealed record class Measurement(int Concurrency, double Throughput, double P50Ms, double P99Ms, double CpuCores, long Requests, long Errors)
{
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Throughput:F1} req/s, p50 {P50Ms:F2} ms, p99 {P99Ms:F2} ms, cpu {CpuCores:F2} cores{(Errors > 0 ? $", {Errors} errors" : "")}");
}
