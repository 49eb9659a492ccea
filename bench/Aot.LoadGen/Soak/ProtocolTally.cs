using System.Collections.Concurrent;
using Aot.LoadGen.Load;

namespace Aot.LoadGen.Soak;

/// <summary>
/// The answers of one protocol's checked clients: a count per <see cref="AnswerOutcome"/>, latencies of correct
/// answers (for the whole run and for the sampling interval now open), and the first failures of each kind in words. Thread-safe.
/// </summary>
internal sealed class ProtocolTally(string protocol)
{
    /// <summary>Failures kept in words per kind (wrong, error, lost; the counts cover all of them).</summary>
    public const int KeptFailures = 5;

    private readonly long[] _counts = new long[Enum.GetValues<AnswerOutcome>().Length];
    private readonly LatencyHistogram _total = new();
    private readonly ConcurrentQueue<string>[] _failures = [.. Enumerable.Range(0, Enum.GetValues<AnswerOutcome>().Length).Select(_ => new ConcurrentQueue<string>())];
    private LatencyHistogram _interval = new();

    /// <summary><c>kserve-http</c>, <c>binary</c>, <c>grpc</c> or <c>embed-http</c>.</summary>
    public string Protocol => protocol;

    /// <summary>Counts one answer; a correct one's latency (Stopwatch ticks) goes into the histograms.</summary>
    public void Record(AnswerOutcome outcome, long elapsedTicks, string? detail = null)
    {
        Interlocked.Increment(ref _counts[(int)outcome]);
        if (outcome == AnswerOutcome.Correct)
        {
            long nanoseconds = Clock.ToNanoseconds(elapsedTicks);
            _total.Record(nanoseconds);
            Volatile.Read(ref _interval).Record(nanoseconds);
        }
        else if (outcome is not AnswerOutcome.Overload && _failures[(int)outcome].Count < KeptFailures)
        {
            _failures[(int)outcome].Enqueue($"{outcome}: {detail}");
        }
    }

    /// <summary>Answers of one kind so far.</summary>
    public long Count(AnswerOutcome outcome) => Interlocked.Read(ref _counts[(int)outcome]);

    /// <summary>Every answer (and lost request) so far.</summary>
    public long Total => _counts.Sum();

    /// <summary>Wrong, other errors and lost: what fails the soak.</summary>
    public long Failures => Count(AnswerOutcome.Wrong) + Count(AnswerOutcome.Error) + Count(AnswerOutcome.Lost);

    /// <summary>Latency of every correct answer.</summary>
    public LatencySummary Latency => _total.Summarize();

    /// <summary>The first <see cref="KeptFailures"/> failures of each kind in words.</summary>
    public IReadOnlyList<string> FailureExamples => [.. _failures.SelectMany(kind => kind)];

    /// <summary>Closes the sampling interval: returns its latencies and starts a new one.</summary>
    public LatencySummary TakeInterval() => Interlocked.Exchange(ref _interval, new LatencyHistogram()).Summarize();
}
