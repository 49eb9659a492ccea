namespace Aot.LoadGen.Results;

/// <summary>One server process started for one model: its settings, cold start and lifetime peak memory.</summary>
internal sealed record ServerRecord
{
    public required string System { get; init; }
    public required string Kind { get; init; }
    public required string Model { get; init; }
    public required string CommandLine { get; init; }
    public required IReadOnlyDictionary<string, string> Settings { get; init; }
    /// <summary>Process start → readiness probe answered 200 (or TCP accepted).</summary>
    public double? ReadyMs { get; init; }
    /// <summary>Process start → first successful answer to the workload's request.</summary>
    public double? FirstAnswerMs { get; init; }
    /// <summary>RSS right after the first answer.</summary>
    public double? IdleRssMb { get; init; }
    /// <summary>
    /// RSS <see cref="Suite.SuiteRunner.AfterLoadWait"/> after its last window: what the process keeps once the load is
    /// over (a server that gives memory back after a burst shows it here; one that keeps its peak does not).
    /// </summary>
    public double? AfterLoadRssMb { get; init; }
    /// <summary>VmHWM when stopped: the largest RSS of the process's life.</summary>
    public double? LifetimePeakRssMb { get; init; }
    /// <summary><c>ok</c>, or why it failed.</summary>
    public required string Status { get; init; }
    public required string Log { get; init; }
}
