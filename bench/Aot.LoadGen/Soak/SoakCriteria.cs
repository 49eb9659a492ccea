using System.Globalization;
using Aot.LoadGen.Soak.Faults;

namespace Aot.LoadGen.Soak;

/// <summary>
/// The soak's acceptance criteria (issue 19): every well-formed request answered correctly or with an explicit overload;
/// RSS after the last minute within <see cref="RssTolerance"/> of RSS after minute 1; open fds and threads back to their
/// idle counts after the load (threads: plus a runtime thread started once since, such as the timer thread); every health probe answered; and every fault client handled as it should be.
/// </summary>
internal static class SoakCriteria
{
    /// <summary>Largest relative change of RSS between minute 1 and the end of the load.</summary>
    public const double RssTolerance = 0.10;

    /// <summary>The criteria a CI run gates on with <c>--gate answers</c>: answers and health; the others need minutes and a quiet machine.</summary>
    public static readonly IReadOnlySet<string> AnswerCriteria = new HashSet<string>(StringComparer.Ordinal) { Answers, Health };

    public const string Answers = "well-formed requests answered correctly or with an explicit overload";
    public const string Rss = "RSS after the last minute within 10 % of RSS after minute 1";
    public const string Fds = "open file descriptors back to the idle count after the load";
    public const string Threads = "threads back to the idle count after the load";
    public const string Health = "every health probe answered";
    public const string FaultHandling = "every fault client handled (4xx / error frame / overload / close, never a 5xx or silence)";

    public static IReadOnlyList<Criterion> Evaluate(IReadOnlyList<ProtocolSummary> protocols, IReadOnlyList<SoakSample> samples, SoakSample idleBefore, SoakSample idleAfter,
        HealthSummary health, IReadOnlyList<FaultCount> faults, bool gateAll, int onceStartedThreads = 0)
    {
        bool Gates(string name) => gateAll || AnswerCriteria.Contains(name);
        long failures = protocols.Sum(p => p.Failures);
        bool everyProtocolAnswered = protocols.All(p => p.Correct > 0);
        string answers = string.Join("; ", protocols.Select(p => Invariant($"{p.Protocol}: {p.Correct} correct, {p.Overloads} overload, {p.Wrong} wrong, {p.Errors} errors, {p.Lost} lost")));
        (bool? rssMet, string rssEvidence) = RssCriterion(samples);
        long unexpected = faults.Where(f => !f.Expected).Sum(f => f.Count);
        return
        [
            new(Answers, failures == 0 && everyProtocolAnswered, everyProtocolAnswered ? answers : answers + " (a protocol got no correct answer)", Gates(Answers)),
            new(Rss, rssMet, rssEvidence, Gates(Rss)),
            new(Fds, idleAfter.OpenFds <= idleBefore.OpenFds, Invariant($"idle before {idleBefore.OpenFds}, after the load {idleAfter.OpenFds}, peak under load {PeakOrZero(samples, s => s.OpenFds)}"), Gates(Fds)),
            new(Threads, idleAfter.Threads <= idleBefore.Threads + onceStartedThreads, Invariant($"idle before {idleBefore.Threads}{(onceStartedThreads > 0 ? $" (+{onceStartedThreads} started once by the runtime since: the timer thread)" : "")}, after the load {idleAfter.Threads}, peak under load {PeakOrZero(samples, s => s.Threads)}"), Gates(Threads)),
            new(Health, health.Failed == 0 && health.Answered > 0, Invariant($"{health.Answered} answered, {health.Failed} failed{(health.FirstFailure is { } f ? $" (first: {f})" : "")}, slowest {health.SlowestMs:0.#} ms"), Gates(Health)),
            new(FaultHandling, unexpected == 0, Invariant($"{faults.Sum(f => f.Count)} fault attempts, {unexpected} unexpected"), Gates(FaultHandling)),
        ];
    }

    /// <summary>RSS of the first load sample at or after 60 s against the last load sample (the last one before the stop); not applicable under two minutes.</summary>
    internal static (bool? Met, string Evidence) RssCriterion(IReadOnlyList<SoakSample> samples)
    {
        SoakSample[] load = [.. samples.Where(s => s.Phase == "load")];
        SoakSample? minuteOne = load.FirstOrDefault(s => s.Seconds >= 60);
        SoakSample? last = load.LastOrDefault();
        if (minuteOne is null || last is null || last.Seconds < 120)
        {
            return (null, "not applicable: the load ran under two minutes");
        }

        double change = (last.RssMb - minuteOne.RssMb) / minuteOne.RssMb;
        return (Math.Abs(change) <= RssTolerance,
            Invariant($"{minuteOne.RssMb:0.0} MB at {minuteOne.Seconds:0} s, {last.RssMb:0.0} MB at {last.Seconds:0} s ({change:+0.0%;-0.0%;0.0%})"));
    }

    private static int PeakOrZero(IReadOnlyList<SoakSample> samples, Func<SoakSample, int> value) =>
        samples.Where(s => s.Phase == "load").Select(value).DefaultIfEmpty(0).Max();

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
