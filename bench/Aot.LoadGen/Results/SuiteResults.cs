namespace Aot.LoadGen.Results;

/// <summary>Everything one suite run measured: what results.json holds.</summary>
internal sealed record SuiteResults
{
    public required string Date { get; init; }
    public required bool Quick { get; init; }
    public required MachineInfo Machine { get; init; }
    public required string LoadAverageAtStart { get; init; }
    public string? LoadAverageAtEnd { get; set; }
    public required int Threads { get; init; }
    public required string WorkloadNotes { get; init; }
    public List<RunRecord> Runs { get; } = [];
    public List<ServerRecord> Servers { get; } = [];
    public List<SkippedSystem> Skipped { get; } = [];
    public List<ModelLoadRecord> ModelLoads { get; } = [];
    public Dictionary<string, string> Workloads { get; } = [];
    public double? TotalSeconds { get; set; }

    /// <summary>Errors served or systems that failed to start: the run must exit non-zero.</summary>
    public bool HasFailures => Runs.Any(r => r.Errors > 0) || Servers.Any(s => s.Status != "ok");
}
