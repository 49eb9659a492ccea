using Aot.LoadGen.Load;
using Aot.LoadGen.Resources;
using Aot.LoadGen.Workloads;

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
    /// <summary>The window as it ran: the nominal length, or longer when it was stretched for a slow system.</summary>
    public required double WindowSeconds { get; init; }
    /// <summary>The window's nominal length.</summary>
    public double? NominalWindowSeconds { get; init; }
    /// <summary>False when the window held too few completed requests to be a result; <see cref="Note"/> says why.</summary>
    public bool Measured { get; init; } = true;
    /// <summary>Why the window is not a result, e.g. "no request completed in 15 s"; null when <see cref="Measured"/>.</summary>
    public string? Note { get; init; }
    public double? MeanSendLatenessMs { get; init; }
    /// <summary>Managed bytes the server allocated per request in the window (Aot, when /metrics exports them).</summary>
    public double? ServerAllocatedBytesPerRequest { get; init; }
    /// <summary>
    /// Padding waste of the batches the server ran in the window, as it counted them: (padded − real tokens) ÷ padded,
    /// from <c>aot_batch_padded_tokens_total</c> and <c>aot_batch_tokens_total</c> (Aot, text models); null elsewhere.
    /// </summary>
    public double? ServerPaddingWaste { get; init; }
    /// <summary>
    /// The other clients that ran against the same server in the same window (e.g. "16 clients × embed-mixed-b32"),
    /// for a shared-window case (<see cref="Suite.SharedWindowCase"/>); null for a run alone.
    /// </summary>
    public string? SharedWindowWith { get; init; }

    /// <summary>The record of one load run (<paramref name="resources"/>: the server's, null for in-process and external servers).</summary>
    public static RunRecord Create(string system, string kind, Workload workload, string protocol, LoadOptions options, LoadResult result, ResourceWindow? resources) => new()
    {
        System = system,
        Kind = kind,
        Model = workload.Model,
        Workload = workload.Name,
        Protocol = protocol,
        Mode = options.Mode,
        Concurrency = options.Concurrency,
        RatePerSecond = options.RatePerSecond,
        P50Ms = result.Latency.P50,
        P90Ms = result.Latency.P90,
        P99Ms = result.Latency.P99,
        P999Ms = result.Latency.P999,
        MaxMs = result.Latency.Max,
        MeanMs = result.Latency.Mean,
        Throughput = result.Throughput,
        Requests = result.Completed,
        Errors = result.Errors,
        FirstError = result.FirstError,
        RssPeakMb = resources is { Samples: > 0 } ? resources.PeakRssMb : null,
        RssSteadyMb = resources is { Samples: > 0 } ? resources.SteadyRssMb : null,
        CpuSecondsPer1k = resources is { Samples: > 1 } && result.Completed > 0 ? resources.CpuSeconds / result.Completed * 1000 : null,
        WindowSeconds = result.Seconds,
        NominalWindowSeconds = result.NominalSeconds,
        Measured = result.Measured,
        Note = result.Note,
        MeanSendLatenessMs = result.MeanLatenessMs,
    };
}
