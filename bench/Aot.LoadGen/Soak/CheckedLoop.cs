using Aot.LoadGen.Load;

namespace Aot.LoadGen.Soak;

/// <summary>
/// A closed-loop client of the soak: send, check the answer, count it, send again, until stopped. A request in flight
/// when the loop is stopped is still awaited and counted (stopping never turns an answer into a lost one); a request
/// unanswered after the timeout is lost.
/// </summary>
internal static class CheckedLoop
{
    /// <summary>How long a client waits after an overload answer before it retries (as a well-behaved client backs off).</summary>
    public static readonly TimeSpan OverloadBackOff = TimeSpan.FromMilliseconds(5);

    public static async Task RunAsync(ICheckedSender sender, ProtocolTally tally, int firstSequence, TimeSpan lostAfter, CancellationToken stop)
    {
        int sequence = firstSequence;
        while (!stop.IsCancellationRequested)
        {
            (AnswerOutcome outcome, _) = await SendOnceAsync(sender, tally, sequence++, lostAfter).ConfigureAwait(false);
            if (outcome != AnswerOutcome.Correct)
            {
                // A failing or overloaded server must not turn the client into a busy loop.
                await Task.Delay(outcome == AnswerOutcome.Overload ? OverloadBackOff : TimeSpan.FromMilliseconds(20), CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sends one request, classifies and counts its answer.</summary>
    public static async Task<(AnswerOutcome Outcome, long ElapsedTicks)> SendOnceAsync(ICheckedSender sender, ProtocolTally tally, int sequence, TimeSpan lostAfter)
    {
        using var timeout = new CancellationTokenSource(lostAfter);
        long start = Clock.Now;
        AnswerOutcome outcome;
        string? detail;
        try
        {
            (outcome, detail) = await sender.SendAsync(sequence, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            (outcome, detail) = (AnswerOutcome.Lost, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"no answer in {lostAfter.TotalSeconds:0.##} s"));
        }
        catch (Exception ex)
        {
            (outcome, detail) = (AnswerOutcome.Error, $"{ex.GetType().Name}: {ex.Message}");
        }

        long elapsed = Clock.Now - start;
        tally.Record(outcome, elapsed, detail);
        return (outcome, elapsed);
    }
}
