namespace Aot.LoadGen.Results;

/// <summary>One row of results.json / results.csv: one system × workload × protocol × concurrency (× rate).</summary>
internal sealed record RunRecord
{
    public required string System { get; init; }
    public required string Kind { get; init; }
    public required string Model { get; init; }
    public required string Workload { get; init; }
    public required string Protocol { get; init; }
    public required string Mode { get; init; }
    public required int Concurrency { get; init; }
    public double? RatePerSecond { get; init; }
    public required double P50Ms { get; init; }
    public required double P90Ms { get; init; }
    public required double P99Ms { get; init; }
    public required double P999Ms { get; init; }
    public required double MaxMs { get; init; }
    public required double MeanMs { get; init; }
    public required double Throughput { get; init; }
    public required long Requests { get; init; }
    public required long Errors { get; init; }
    public string? FirstError { get; init; }
    public double? RssPeakMb { get; init; }
    public double? RssSteadyMb { get; init; }
    public double? CpuSecondsPer1k { get; init; }
    public required double WindowSeconds { get; init; }
    public double? MeanSendLatenessMs { get; init; }
    /// <summary>Managed bytes the server allocated per request in the window (Aot, when /metrics exports them).</summary>
    public double? ServerAllocatedBytesPerRequest { get; init; }
}
