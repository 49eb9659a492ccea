using Aot.LoadGen.Load;
using Aot.LoadGen.Soak;
using Aot.LoadGen.Soak.Faults;
using Xunit;

namespace Aot.Bench.Tests.Soak;

/// <summary>The soak's acceptance: answers, RSS drift, idle fds and threads, health, fault handling, and which gate the exit code.</summary>
public class SoakCriteriaTests
{
    private static readonly SoakSample Idle = Sample(-1, "idle-before", 100, fds: 18, threads: 16);
    private static readonly HealthSummary Healthy = new(60, 0, 12, null);

    [Fact]
    public void Overloads_are_acceptable_answers_and_one_lost_request_fails()
    {
        Criterion ok = Evaluate([Protocol(correct: 100, overloads: 40)]).Single(c => c.Name == SoakCriteria.Answers);
        Assert.True(ok.Met);
        Criterion lost = Evaluate([Protocol(correct: 100, lost: 1)]).Single(c => c.Name == SoakCriteria.Answers);
        Assert.False(lost.Met);
        Assert.Contains("1 lost", lost.Evidence);
    }

    [Fact]
    public void A_protocol_without_one_correct_answer_fails_even_with_no_failures()
    {
        Assert.False(Evaluate([Protocol(correct: 100), Protocol(correct: 0, overloads: 50)]).Single(c => c.Name == SoakCriteria.Answers).Met);
    }

    [Fact]
    public void Rss_is_compared_between_minute_one_and_the_last_load_sample()
    {
        SoakSample[] steady = [Sample(10, "load", 150), Sample(60, "load", 200), Sample(600, "load", 215), Sample(610, "idle-after", 400)];
        (bool? met, string evidence) = SoakCriteria.RssCriterion(steady);
        Assert.True(met);
        Assert.Equal("200.0 MB at 60 s, 215.0 MB at 600 s (+7.5%)", evidence);
        Assert.False(SoakCriteria.RssCriterion([Sample(60, "load", 200), Sample(600, "load", 230)]).Met);
        Assert.Null(SoakCriteria.RssCriterion([Sample(60, "load", 200), Sample(90, "load", 400)]).Met);
    }

    [Fact]
    public void Fds_and_threads_must_come_back_to_their_idle_counts()
    {
        IReadOnlyList<Criterion> back = Evaluate([Protocol(correct: 1)], after: Sample(70, "idle-after", 120, fds: 17, threads: 16));
        Assert.True(back.Single(c => c.Name == SoakCriteria.Fds).Met);
        Assert.True(back.Single(c => c.Name == SoakCriteria.Threads).Met);
        IReadOnlyList<Criterion> leaked = Evaluate([Protocol(correct: 1)], after: Sample(70, "idle-after", 120, fds: 19, threads: 17));
        Assert.False(leaked.Single(c => c.Name == SoakCriteria.Fds).Met);
        Assert.False(leaked.Single(c => c.Name == SoakCriteria.Threads).Met);
    }

    [Fact]
    public void The_timer_thread_started_once_during_the_load_is_not_a_leak_but_a_second_thread_is()
    {
        var before = new Dictionary<string, int> { [".NET TP Worker"] = 2, ["aot"] = 3 };
        var after = new Dictionary<string, int> { [".NET TP Worker"] = 2, ["aot"] = 3, [".NET Timer"] = 1 };
        int onceStarted = Aot.LoadGen.Resources.ProcessVitals.OnceStartedSince(before, after);
        Assert.Equal(1, onceStarted);
        Assert.Equal(0, Aot.LoadGen.Resources.ProcessVitals.OnceStartedSince(after, after));
        Assert.Equal(0, Aot.LoadGen.Resources.ProcessVitals.OnceStartedSince(before, new Dictionary<string, int> { [".NET TP Worker"] = 3, ["aot"] = 3 }));

        Criterion timer = SoakCriteria.Evaluate([Protocol(correct: 1)], [Sample(10, "load", 150)], Idle, Sample(70, "idle-after", 120, threads: 17), Healthy, [], true, onceStarted)
            .Single(c => c.Name == SoakCriteria.Threads);
        Assert.True(timer.Met);
        Assert.Contains("started once by the runtime", timer.Evidence);
        Criterion more = SoakCriteria.Evaluate([Protocol(correct: 1)], [Sample(10, "load", 150)], Idle, Sample(70, "idle-after", 120, threads: 18), Healthy, [], true, onceStarted)
            .Single(c => c.Name == SoakCriteria.Threads);
        Assert.False(more.Met);
    }

    [Fact]
    public void A_failed_health_probe_or_an_unexpected_fault_answer_fails()
    {
        Assert.False(Evaluate([Protocol(correct: 1)], health: new HealthSummary(59, 1, 12, "HTTP 503")).Single(c => c.Name == SoakCriteria.Health).Met);
        Assert.False(Evaluate([Protocol(correct: 1)], faults: [new FaultCount("http-malformed", "500", false, 1)]).Single(c => c.Name == SoakCriteria.FaultHandling).Met);
    }

    [Fact]
    public void The_answers_gate_fails_only_on_answers_and_health()
    {
        SoakSample leaked = Sample(70, "idle-after", 120, fds: 30, threads: 30);
        Assert.True(Results(Evaluate([Protocol(correct: 1)], after: leaked, gateAll: false)).Passed);
        Assert.False(Results(Evaluate([Protocol(correct: 1)], after: leaked, gateAll: true)).Passed);
        Assert.False(Results(Evaluate([Protocol(correct: 1, wrong: 1)], gateAll: false)).Passed);
    }

    private static IReadOnlyList<Criterion> Evaluate(ProtocolSummary[] protocols, SoakSample? after = null, HealthSummary? health = null,
        FaultCount[]? faults = null, bool gateAll = true) =>
        SoakCriteria.Evaluate(protocols, [Sample(10, "load", 150)], Idle, after ?? Sample(70, "idle-after", 120), health ?? Healthy, faults ?? [], gateAll);

    internal static SoakSample Sample(double seconds, string phase, double rss, int fds = 18, int threads = 16) =>
        new(seconds, phase, rss, fds, threads, 30, 1.5, [new ProtocolInterval("binary", 1, 2, 10, 1, 0)]);

    internal static ProtocolSummary Protocol(long correct, long overloads = 0, long wrong = 0, long lost = 0) =>
        new("binary", correct + overloads + wrong + lost, correct, overloads, wrong, 0, lost, LatencySummary.Empty, []);

    internal static SoakResults Results(IReadOnlyList<Criterion> criteria) => new()
    {
        StartedUtc = new DateTime(2026, 12, 7, 6, 0, 0, DateTimeKind.Utc),
        Minutes = 10,
        Machine = new Aot.LoadGen.Results.MachineInfo(2, "cpu", 8, "linux", ".NET", "1.0 1.0 1.0"),
        LoadAverageAtStart = "1.0 1.0 1.0",
        LoadAverageAtEnd = "2.0 1.5 1.0",
        Server = "aot serve",
        Clients = ["binary: 1"],
        IdleBefore = Idle,
        IdleAfter = Sample(70, "idle-after", 120),
        SecondsBackToIdle = 12,
        ThreadChanges = "",
        Samples = [Idle, Sample(10, "load", 150), Sample(70, "idle-after", 120)],
        Protocols = [Protocol(correct: 1)],
        Faults = [new FaultCount("http-malformed", "400", true, 3)],
        Health = Healthy,
        Criteria = criteria,
        ServerExitCode = 0,
    };
}
