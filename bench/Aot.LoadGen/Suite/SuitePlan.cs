using Aot.LoadGen.Load;
using Aot.LoadGen.Systems;
using Aot.LoadGen.Workloads;

namespace Aot.LoadGen.Suite;

/// <summary>
/// What one suite run measures: workloads, concurrency levels, warm-up and window per workload, which systems,
/// the open-loop cases, and the window rule (<see cref="MinRequests"/>, <see cref="MaxStretch"/>). <see cref="Quick"/>
/// is the seconds-long CI subset (tiny model, Aot + the ASP.NET peer, and Aot's <c>/embed</c> on short texts).
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
    /// <summary>Systems measured at fewer concurrency levels (or not at all) on a workload, and why.</summary>
    public IReadOnlyList<CaseLimit> Limits { get; init; } = [];

    /// <summary>Cases where two workloads share one window against one server (run when both workloads are in the plan).</summary>
    public IReadOnlyList<SharedWindowCase> SharedWindows { get; init; } = [];

    /// <summary>The shared-window cases <paramref name="system"/> runs, given the workloads it serves.</summary>
    public IEnumerable<SharedWindowCase> SharedWindowsOf(string system, IReadOnlyCollection<Workload> served) =>
        SharedWindows.Where(c => c.Systems.Contains(system) && served.Any(w => w.Name == c.Probe) && served.Any(w => w.Name == c.Load));

    /// <summary>The concurrency levels of <paramref name="system"/> on <paramref name="workload"/> (empty: not run; see <see cref="Limit"/>).</summary>
    public IReadOnlyList<int> Levels(Workload workload, string system) =>
        Limit(workload, system)?.Levels ?? Concurrency(workload);

    /// <summary>The limit on <paramref name="system"/> for <paramref name="workload"/>, if any.</summary>
    public CaseLimit? Limit(Workload workload, string system) =>
        Limits.FirstOrDefault(limit => limit.System == system && limit.Workload == workload.Name);

    /// <summary>Systems measured on the tiny model only (the batching-window variant).</summary>
    public static IReadOnlySet<string> TinyOnlySystems { get; } = new HashSet<string> { "aot-batch-d500" };

    /// <summary>Systems serving the int8 models: measured on <see cref="Int8Models.Workloads"/> only.</summary>
    public static IReadOnlySet<string> Int8Systems { get; } = new HashSet<string> { "aot-int8", "node-int8" };

    /// <summary>Whether the plan has int8 rows (then the in-process floor also runs the int8 model, as <c>in-process-int8</c>).</summary>
    public bool Int8 => Systems.Any(Int8Systems.Contains);

    /// <summary>Whether <paramref name="system"/> is measured on <paramref name="workload"/> at all (model-wise, before <see cref="Limits"/>).</summary>
    public static bool Covers(string system, Workload workload) =>
        (!TinyOnlySystems.Contains(system) || workload.Model == "tiny") && (!Int8Systems.Contains(system) || Int8Models.Serves(workload));

    /// <summary>Fewest completed requests for a window to count (<see cref="LoadOptions.MinRequests"/>).</summary>
    public int MinRequests { get; init; } = LoadOptions.DefaultMinRequests;

    /// <summary>Longest a window may be stretched, × its nominal length (<see cref="LoadOptions.MaxStretch"/>).</summary>
    public double MaxStretch { get; init; } = LoadOptions.DefaultMaxStretch;

    /// <summary>How to drive one run of <paramref name="workload"/>.</summary>
    public LoadOptions Options(Workload workload, int concurrency, double? ratePerSecond = null) =>
        new(concurrency, WarmUp, Duration(workload), ratePerSecond, MinRequests, MaxStretch);

    /// <summary>
    /// How to drive a <see cref="SharedWindowCase"/>: the load as a run of its own workload at its clients (held open
    /// by the runner until the probe's run ends); the probe as a run of its workload whose window may stretch to the
    /// case's longest and counts from the case's fewest requests (each waits behind the load's queue).
    /// </summary>
    public (LoadOptions Probe, LoadOptions Load) SharedOptions(SharedWindowCase shared, Workload probe, Workload load)
    {
        ArgumentNullException.ThrowIfNull(shared);
        LoadOptions probeOptions = Options(probe, shared.ProbeClients);
        probeOptions = probeOptions with
        {
            MinRequests = Math.Min(MinRequests, shared.ProbeMinRequests),
            MaxStretch = Math.Max(MaxStretch, shared.ProbeLongestWindow / probeOptions.Duration),
        };
        return (probeOptions, Options(load, shared.LoadClients));
    }

    /// <summary>The plan restricted to the named workloads and systems (null: all), for single-case runs.</summary>
    /// <exception cref="ArgumentException">A name is not in the plan.</exception>
    public SuitePlan Only(IReadOnlyCollection<string>? workloads, IReadOnlyCollection<string>? systems)
    {
        // An option given no names (System.CommandLine reads an absent list option as empty) selects everything.
        workloads = workloads is { Count: > 0 } ? workloads : null;
        systems = systems is { Count: > 0 } ? systems : null;
        string? unknownWorkload = workloads?.FirstOrDefault(name => Workloads.All(w => w.Name != name));
        if (unknownWorkload is not null)
        {
            throw new ArgumentException($"Workload '{unknownWorkload}' is not in this plan. It has: {string.Join(", ", Workloads.Select(w => w.Name))}.");
        }

        string? unknownSystem = systems?.FirstOrDefault(name => !Systems.Contains(name));
        if (unknownSystem is not null)
        {
            throw new ArgumentException($"System '{unknownSystem}' is not in this plan. It has: {string.Join(", ", Systems)}.");
        }

        return this with
        {
            Workloads = workloads is null ? Workloads : [.. Workloads.Where(w => workloads.Contains(w.Name))],
            Systems = systems is null ? Systems : [.. Systems.Where(systems.Contains)],
        };
    }

    public static SuitePlan CreateQuick() => new(
        Quick: true,
        // Aot's /embed on short texts (the only system here that serves it): seconds, and it keeps the endpoint exercised in CI.
        Workloads: [WorkloadCatalog.Tiny, WorkloadCatalog.EmbedShort1, WorkloadCatalog.EmbedShort32],
        Systems: ["aot", "aot-batch", "aspnet-ort"],
        WarmUp: TimeSpan.FromSeconds(1),
        Duration: _ => TimeSpan.FromSeconds(2),
        Concurrency: _ => [1, 16],
        OpenLoop: [new OpenLoopCase("tiny", 500, 16)]);

    /// <summary>
    /// Every workload, Aot (batching off, on, with a window) and <paramref name="peers"/>; with <paramref name="int8"/>,
    /// also <c>aot-int8</c> and (when <c>node-ort</c> is a peer) <c>node-int8</c> on the int8 workloads. PyTorch has no
    /// int8 variant: it cannot run the quantized graph's QLinear/QDQ operators.
    /// </summary>
    public static SuitePlan CreateFull(IReadOnlyList<string> peers, bool int8 = false) => new(
        Quick: false,
        Workloads: WorkloadCatalog.All,
        Systems: ["aot", "aot-batch", "aot-batch-d500", .. peers, .. int8 ? Int8SystemsFor(peers) : []],
        WarmUp: TimeSpan.FromSeconds(1.5),
        Duration: workload => workload.Name switch
        {
            "resnet50" or "minilm-s128" => TimeSpan.FromSeconds(5),
            // The Node peer at 16 clients answers ~0.5 mixed requests a second (~1.7 s each at 1 client, queued 16
            // deep): its 10th request starts ~20 s into the window, and a 6 s window may stretch to 60 s, room to spare
            // on a busy machine, where 4 s (40 s) would be at the edge.
            "embed-mixed-b32" => TimeSpan.FromSeconds(6),
            _ => TimeSpan.FromSeconds(4),
        },
        Concurrency: workload => workload.Name switch
        {
            // 32 clients on the tiny model is where the brief's throughput and batching targets are set.
            "tiny" => [1, 4, 16, 32, 64],
            // 32 long texts are ~7,000 tokens a request (2–4 s with ONNX Runtime on 2 cores): at 4 clients one round
            // would take ~10–16 s and the window ~40 s per system; 1 client is what the budget allows.
            "embed-long-b32" => [1],
            _ when workload.IsEmbedding => [1, 16],
            _ => [1, 4, 16, 64],
        },
        OpenLoop: [new OpenLoopCase("tiny", 1000, 64)])
    {
        // The PyTorch peer runs MiniLM ~15–20× slower than ONNX Runtime here (1.9 s of CPU for one long text, 3.5 s for
        // 32 short ones): more clients would only queue behind it for minutes, past any window the run can afford.
        Limits =
        [
            new("torch-fastapi", "embed-short-b32", [1], "one request takes ~2–4 s: at 16 clients each would wait ~1 minute"),
            new("torch-fastapi", "embed-long-b1", [1], "one request takes ~1–2 s: at 16 clients each would wait ~30 s"),
            new("torch-fastapi", "embed-long-b32", [], "one request of 32 long texts takes ~40–60 s (1.9 s of CPU per long text): 10 of them would cost a third of the run's 30 minutes"),
            new("torch-fastapi", "embed-mixed-b32", [], "32 mixed texts are padded to the longest (256 tokens), so one request costs about what 32 long texts do (~40–60 s)"),
        ],
        SharedWindows = SharedWindowCase.All,
    };

    private static string[] Int8SystemsFor(IReadOnlyList<string> peers) => peers.Contains("node-ort") ? ["aot-int8", "node-int8"] : ["aot-int8"];
}

/// <summary>A system measured at fewer concurrency levels (<paramref name="Levels"/>; empty: not at all) on a workload, and why.</summary>
internal sealed record CaseLimit(string System, string Workload, IReadOnlyList<int> Levels, string Reason);

/// <summary>An open-loop case: a workload at a fixed arrival rate over at most <c>Connections</c> connections.</summary>
internal sealed record OpenLoopCase(string Workload, double RatePerSecond, int Connections);
