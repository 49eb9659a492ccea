using System.Globalization;

namespace Aot.Server.Tuning;

/// <summary>One measured point: its settings (or, for <c>--evaluate</c>, the config file), the stage that chose it, and one measurement per concurrency.</summary>
internal sealed record class TuneRow(int Index, string Stage, string Label, TunePoint? Point, TimeSpan Window, IReadOnlyList<Measurement> Measurements)
{
    /// <summary>Mean over the concurrencies measured.</summary>
    public double Throughput => Measurements.Average(static m => m.Throughput);

    public double P50Ms => Measurements.Average(static m => m.P50Ms);

    /// <summary>The worst over the concurrencies measured: the SLO must hold at each.</summary>
    public double P99Ms => Measurements.Max(static m => m.P99Ms);

    public double CpuCores => Measurements.Average(static m => m.CpuCores);

    public long Errors => Measurements.Sum(static m => m.Errors);

    /// <summary>Served every request and, with an SLO, kept p99 within it.</summary>
    public bool Meets(double? sloMs) => Errors == 0 && Measurements.All(static m => m.Requests > 0) && (sloMs is not { } slo || P99Ms <= slo);

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{Throughput:F1} req/s, p50 {P50Ms:F2} ms, p99 {P99Ms:F2} ms, cpu {CpuCores:F2} cores{(Errors > 0 ? $", {Errors} errors" : "")}");
}
