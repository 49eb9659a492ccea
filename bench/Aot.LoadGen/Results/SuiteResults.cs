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
    /// <summary>Which CPUs the load generator and the servers ran on.</summary>
    public required Systems.CpuPlacement Cpus { get; init; }
    public required string WorkloadNotes { get; init; }
    public List<RunRecord> Runs { get; } = [];
    public List<ServerRecord> Servers { get; } = [];
    public List<SkippedSystem> Skipped { get; } = [];
    public List<ModelLoadRecord> ModelLoads { get; } = [];
    public Dictionary<string, string> Workloads { get; } = [];
    /// <summary>Per embedding workload, the padding its body costs in one batch (computed on the client from token counts).</summary>
    public Dictionary<string, Workloads.EmbedPadding> EmbedPadding { get; } = [];
    /// <summary>Pairwise agreement of the systems' <c>/embed</c> vectors on each embedding workload.</summary>
    public List<EmbedAgreement> EmbedAgreement { get; } = [];
    public double? TotalSeconds { get; set; }

    /// <summary>
    /// No run at all, errors served, windows that measured nothing, systems that failed to start, or <c>/embed</c>
    /// answers that disagree: the run must exit non-zero.
    /// </summary>
    public bool HasFailures => Runs.Count == 0 || Runs.Any(r => r.Errors > 0 || !r.Measured) || Servers.Any(s => s.Status != "ok") || EmbedAgreement.Any(a => !a.Agrees);
}
