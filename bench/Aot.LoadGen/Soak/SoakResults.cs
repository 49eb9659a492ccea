using Aot.LoadGen.Load;
using Aot.LoadGen.Results;
using Aot.LoadGen.Soak.Faults;

namespace Aot.LoadGen.Soak;

/// <summary>Everything one soak measured (soak.json), from which report.md, the chart and samples.csv are written.</summary>
internal sealed record SoakResults
{
    public required DateTime StartedUtc { get; init; }

    public required double Minutes { get; init; }

    public required MachineInfo Machine { get; init; }

    public required string LoadAverageAtStart { get; init; }

    public required string LoadAverageAtEnd { get; init; }

    /// <summary>The server's command line.</summary>
    public required string Server { get; init; }

    /// <summary>Clients per protocol, in words (e.g. "binary: 8 connections × 4 requests in flight").</summary>
    public required IReadOnlyList<string> Clients { get; init; }

    /// <summary>Open fds and threads once started and idle, before the load.</summary>
    public required SoakSample IdleBefore { get; init; }

    /// <summary>The last reading after the load stopped.</summary>
    public required SoakSample IdleAfter { get; init; }

    /// <summary>Seconds from the end of the load until fds and threads were back at their idle counts (null: never, within the wait).</summary>
    public required double? SecondsBackToIdle { get; init; }

    /// <summary>Threads by name after the load against before it (<see cref="Resources.ProcessVitals.ThreadChanges"/>); empty when the same.</summary>
    public required string ThreadChanges { get; init; }

    public required IReadOnlyList<SoakSample> Samples { get; init; }

    public required IReadOnlyList<ProtocolSummary> Protocols { get; init; }

    public required IReadOnlyList<FaultCount> Faults { get; init; }

    public required HealthSummary Health { get; init; }

    public required IReadOnlyList<Criterion> Criteria { get; init; }

    /// <summary>The server's exit code after SIGTERM (0: drained and stopped cleanly).</summary>
    public int? ServerExitCode { get; init; }

    /// <summary>Whether every gating criterion was met.</summary>
    public bool Passed => Criteria.Where(c => c.Gating).All(c => c.Met != false);
}

/// <summary>One protocol's answers over the whole load.</summary>
internal sealed record ProtocolSummary(string Protocol, long Requests, long Correct, long Overloads, long Wrong, long Errors, long Lost,
    LatencySummary Latency, IReadOnlyList<string> FailureExamples)
{
    public static ProtocolSummary From(ProtocolTally tally) => new(tally.Protocol, tally.Total, tally.Count(AnswerOutcome.Correct),
        tally.Count(AnswerOutcome.Overload), tally.Count(AnswerOutcome.Wrong), tally.Count(AnswerOutcome.Error), tally.Count(AnswerOutcome.Lost),
        tally.Latency, tally.FailureExamples);

    public long Failures => Wrong + Errors + Lost;
}

/// <summary>The readiness probes' figures.</summary>
internal sealed record HealthSummary(long Answered, long Failed, double SlowestMs, string? FirstFailure);

/// <summary>One acceptance criterion: met (true/false, null when it does not apply), the figures behind it, and whether it decides the exit code.</summary>
internal sealed record Criterion(string Name, bool? Met, string Evidence, bool Gating);
