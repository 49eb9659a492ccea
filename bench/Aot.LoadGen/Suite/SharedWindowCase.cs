namespace Aot.LoadGen.Suite;

/// <summary>
/// Two closed loops against one server in the same window, each its own <see cref="Load.LoadRunner"/> run:
/// <paramref name="LoadClients"/> clients send <paramref name="Load"/> while <paramref name="ProbeClients"/> send
/// <paramref name="Probe"/>, so the probe's latency is measured under that load. The load's window is held open until
/// the probe's run has ended, so every probe request runs under it. A FIFO server answers a probe request only after
/// the load requests queued before it (~<paramref name="LoadClients"/> × a load request's time: ~27 s on the Node peer),
/// so the probe's window counts from <paramref name="ProbeMinRequests"/> requests (not the suite's 10) and may stretch
/// to <paramref name="ProbeLongestWindow"/>. Recorded as <paramref name="ProbeRecord"/> and <paramref name="LoadRecord"/>,
/// each naming the other's clients (<see cref="Results.RunRecord.SharedWindowWith"/>); run on <paramref name="Systems"/> only.
/// </summary>
internal sealed record SharedWindowCase(string Probe, int ProbeClients, string Load, int LoadClients, string ProbeRecord, string LoadRecord,
    IReadOnlyList<string> Systems, int ProbeMinRequests, TimeSpan ProbeLongestWindow)
{
    /// <summary>Short texts under the mixed-length load (issue 14: "short texts p99 under the mixed load").</summary>
    public static SharedWindowCase ShortUnderMixed { get; } = new("embed-short-b1", 1, "embed-mixed-b32", 16,
        "embed-short-b1-under-mixed", "embed-mixed-b32-beside-short", ["aot", "node-ort"], ProbeMinRequests: 3, ProbeLongestWindow: TimeSpan.FromSeconds(120));

    /// <summary>Every shared-window case the harness knows (the report's tables follow this order).</summary>
    public static IReadOnlyList<SharedWindowCase> All { get; } = [ShortUnderMixed];

    /// <summary>How the probe's record names the load's clients, and the other way round.</summary>
    public string ProbeSharedWith => $"{LoadClients} clients × {Load}";

    /// <inheritdoc cref="ProbeSharedWith"/>
    public string LoadSharedWith => $"{ProbeClients} client{(ProbeClients == 1 ? "" : "s")} × {Probe}";
}
