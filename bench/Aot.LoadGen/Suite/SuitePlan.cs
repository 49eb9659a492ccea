using Aot.LoadGen.Workloads;

namespace Aot.LoadGen.Suite;

/// <summary>
/// What one suite run measures: workloads, concurrency levels, warm-up and window per workload, which systems,
/// and the open-loop cases. <see cref="Quick"/> is the seconds-long CI subset (tiny model, Aot + the ASP.NET peer).
/// </summary>
internal sealed record SuitePlan(
    bool Quick,
    IReadOnlyList<Workload> Workloads,
    IReadOnlyList<string> Systems,
    TimeSpan WarmUp,
    Func<Workload, TimeSpan> Duration,
    Func<Workload, IReadOnlyList<int>> Concurrency,
    IReadOnlyList<OpenLoopCase> OpenLoop)
{
    /// <summary>Systems measured on the tiny model only (the batching-window variant).</summary>
    public static IReadOnlySet<string> TinyOnlySystems { get; } = new HashSet<string> { "aot-batch-d500" };

    public static SuitePlan CreateQuick() => new(
        Quick: true,
        Workloads: [WorkloadCatalog.Tiny],
        Systems: ["aot", "aot-batch", "aspnet-ort"],
        WarmUp: TimeSpan.FromSeconds(1),
        Duration: _ => TimeSpan.FromSeconds(2),
        Concurrency: _ => [1, 16],
        OpenLoop: [new OpenLoopCase("tiny", 500, 16)]);

    public static SuitePlan CreateFull(IReadOnlyList<string> peers) => new(
        Quick: false,
        Workloads: WorkloadCatalog.All,
        Systems: ["aot", "aot-batch", "aot-batch-d500", .. peers],
        WarmUp: TimeSpan.FromSeconds(1.5),
        Duration: workload => workload.Name is "resnet50" or "minilm-s128" ? TimeSpan.FromSeconds(5) : TimeSpan.FromSeconds(4),
        // 32 clients on the tiny model is where the brief's throughput and batching targets are set.
        Concurrency: workload => workload.Name == "tiny" ? [1, 4, 16, 32, 64] : [1, 4, 16, 64],
        OpenLoop: [new OpenLoopCase("tiny", 1000, 64)]);
}

/// <summary>An open-loop case: a workload at a fixed arrival rate over at most <c>Connections</c> connections.</summary>
internal sealed record OpenLoopCase(string Workload, double RatePerSecond, int Connections);
