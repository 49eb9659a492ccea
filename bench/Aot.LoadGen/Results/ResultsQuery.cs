namespace Aot.LoadGen.Results;

/// <summary>Lookups over a suite's records used by the report and the charts.</summary>
internal sealed class ResultsQuery(SuiteResults results)
{
    public SuiteResults Results => results;

    /// <summary>
    /// The closed-loop run of a system/workload/protocol at a concurrency, if it measured something (a window with too
    /// few completed requests is no result: every figure, ratio, chart and target reads it as missing).
    /// </summary>
    public RunRecord? Closed(string system, string workload, string protocol, int concurrency) =>
        ClosedAny(system, workload, protocol, concurrency) is { Measured: true } run ? run : null;

    /// <summary>Why a closed-loop run is no result ("no request completed in 15 s"), or null (measured, or not run).</summary>
    public string? NotMeasured(string system, string workload, string protocol, int concurrency) =>
        ClosedAny(system, workload, protocol, concurrency) is { Measured: false } run ? run.Note ?? "not measured" : null;

    /// <summary>Workloads in the order they were measured.</summary>
    public IReadOnlyList<string> Workloads => [.. results.Runs.Select(r => r.Workload).Distinct()];

    /// <summary>Concurrency levels measured for a workload (closed loop, servers).</summary>
    public IReadOnlyList<int> Levels(string workload) =>
        [.. results.Runs.Where(r => r.Workload == workload && r.Mode == "closed" && r.Kind != "floor").Select(r => r.Concurrency).Distinct().Order()];

    /// <summary>(system, protocol) pairs measured on a workload, servers only, in measurement order.</summary>
    public IReadOnlyList<(string System, string Protocol)> Series(string workload) =>
        [.. results.Runs.Where(r => r.Workload == workload && r.Kind != "floor").Select(r => (r.System, r.Protocol)).Distinct()];

    /// <summary>Whether a workload is an embedding one (measured over <c>/embed</c>).</summary>
    public bool IsEmbedding(string workload) => results.Runs.Any(r => r.Workload == workload && r.Protocol == "embed-http");

    /// <summary>Whether a workload's records come from a shared-window case (<see cref="RunRecord.SharedWindowWith"/>), reported in their own table.</summary>
    public bool IsSharedWindow(string workload) => results.Runs.Any(r => r.Workload == workload && r.SharedWindowWith is not null);

    /// <summary>
    /// Aot's server-measured padding waste on a workload at each closed-loop client count it was measured at
    /// (<see cref="RunRecord.ServerPaddingWaste"/>), fewest clients first.
    /// </summary>
    public IReadOnlyList<(int Clients, double Waste)> ServerPaddingWaste(string system, string workload) =>
        [.. results.Runs.Where(r => r.System == system && r.Workload == workload && r.Mode == "closed" && r.Measured && r.ServerPaddingWaste is not null)
            .OrderBy(r => r.Concurrency).Select(r => (r.Concurrency, r.ServerPaddingWaste!.Value))];

    /// <summary>fp32 peers measured on a workload (the int8 Node peer is compared in <see cref="Int8Report"/> only).</summary>
    public IReadOnlyList<string> Peers(string workload) =>
        [.. results.Runs.Where(r => r.Workload == workload && r.Kind == "peer" && !Int8Report.IsInt8(r.System)).Select(r => r.System).Distinct()];

    /// <summary>The server record of a system for a model.</summary>
    public ServerRecord? Server(string system, string model) =>
        results.Servers.FirstOrDefault(s => s.System == system && s.Model == model);

    /// <summary>Largest median RSS over a system's runs on a model.</summary>
    public double? SteadyRss(string system, string model) =>
        results.Runs.Where(r => r.System == system && r.Model == model && r.RssSteadyMb is not null).Select(r => r.RssSteadyMb).Max();

    /// <summary>
    /// The largest steady RSS of two systems on a model over the (workload, clients) cases both measured, and how many
    /// of <paramref name="system"/>'s cases the other did not run.
    /// </summary>
    public (double? Rss, double? OtherRss, int Skipped) SteadyRssOnCommonCases(string system, string other, string model)
    {
        var mine = results.Runs.Where(r => r.System == system && r.Model == model && r.Measured && r.RssSteadyMb is not null).ToList();
        var theirs = results.Runs.Where(r => r.System == other && r.Model == model && r.Measured && r.RssSteadyMb is not null).ToList();
        var common = mine.Select(static r => (r.Workload, r.Concurrency)).Intersect(theirs.Select(static r => (r.Workload, r.Concurrency))).ToHashSet();
        int skipped = mine.Select(static r => (r.Workload, r.Concurrency)).Distinct().Count(c => !common.Contains(c));
        return (mine.Where(r => common.Contains((r.Workload, r.Concurrency))).Max(static r => r.RssSteadyMb),
            theirs.Where(r => common.Contains((r.Workload, r.Concurrency))).Max(static r => r.RssSteadyMb), skipped);
    }

    /// <summary>Largest throughput of a system (any concurrency, given protocol) on a workload.</summary>
    public RunRecord? Best(string system, string workload, string protocol) =>
        results.Runs.Where(r => r.System == system && r.Workload == workload && r.Protocol == protocol && r.Mode == "closed" && r.Errors == 0 && r.Measured)
            .MaxBy(r => r.Throughput);

    private RunRecord? ClosedAny(string system, string workload, string protocol, int concurrency) =>
        results.Runs.FirstOrDefault(r => r.System == system && r.Workload == workload && r.Protocol == protocol && r.Mode == "closed" && r.Concurrency == concurrency);
}
