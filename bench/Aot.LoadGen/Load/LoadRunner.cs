using System.Diagnostics;

namespace Aot.LoadGen.Load;

/// <summary>
/// Drives one run against one target: connects the clients, runs the warm-up, then the timed window, and waits
/// for requests still in flight. Only requests that start inside the window are measured; an error at any time
/// (warm-up included) is counted, so a system that fails is never reported as fast. The window closes by
/// <see cref="WindowRule"/> (stretched for a slow system until enough requests started in it); a window with fewer
/// than <see cref="LoadOptions.MinRequests"/> completed requests comes back with a note instead of counting as a result.
/// </summary>
internal static class LoadRunner
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(120);

    /// <param name="holdOpenUntil">
    /// Closed loop: keep the window open until this task ends (<see cref="Schedule.HoldOpenUntil"/>), e.g. the run of a
    /// probe measured under this load; null: the window rule alone closes it.
    /// </param>
    public static async Task<LoadResult> RunAsync(ITarget target, LoadOptions options, string label, CancellationToken cancellationToken, Task? holdOpenUntil = null)
    {
        if (holdOpenUntil is not null && options.RatePerSecond is not null)
        {
            throw new ArgumentException("Only a closed loop can be held open: an open loop's requests are due on a fixed time line.", nameof(holdOpenUntil));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(options.Concurrency, 1);
        var senders = new IRequestSender[options.Concurrency];
        for (int i = 0; i < senders.Length; i++)
        {
            senders[i] = await target.ConnectAsync(cancellationToken).ConfigureAwait(false);
        }

        var histogram = new LatencyHistogram();
        var window = new RunCounters();
        var warmUp = new RunCounters();
        long start = Clock.Now;
        var schedule = new Schedule(start, WindowRule.Create(start, options), options.RatePerSecond);
        if (holdOpenUntil is not null)
        {
            schedule.HoldOpenUntil(holdOpenUntil);
        }

        using var progress = new ProgressLine(label, options, schedule, window, histogram);
        try
        {
            Task[] clients = [.. senders.Select(sender => options.RatePerSecond is null
                ? Task.Run(() => ClosedLoopAsync(sender, schedule, histogram, window, warmUp, cancellationToken), cancellationToken)
                : Task.Run(() => OpenLoopAsync(sender, schedule, histogram, window, warmUp, cancellationToken), cancellationToken))];
            if (holdOpenUntil is not null)
            {
                // The held run's own limits bound this wait; its outcome is its caller's to read.
                await holdOpenUntil.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default)
                    .WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            await Task.WhenAll(clients).WaitAsync(options.WarmUp + (options.Duration * options.MaxStretch) + DrainTimeout, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            progress.Finish();
            foreach (IRequestSender sender in senders)
            {
                await sender.DisposeAsync().ConfigureAwait(false);
            }
        }

        double seconds = Clock.Seconds(schedule.WarmUpEnd, schedule.End);
        double? lateness = options.RatePerSecond is null || window.Completed == 0
            ? null
            : Clock.ToNanoseconds(window.LatenessTicks / Math.Max(1, window.Completed + window.Errors)) / 1e6;
        return new LoadResult(histogram.Summarize(), window.Completed, window.Errors + warmUp.Errors, seconds,
            window.FirstError ?? warmUp.FirstError, lateness, options.Duration.TotalSeconds,
            WindowVerdict.Note(window.Completed, options.MinRequests, seconds));
    }

    private static async Task ClosedLoopAsync(IRequestSender sender, Schedule schedule, LatencyHistogram histogram,
        RunCounters window, RunCounters warmUp, CancellationToken cancellationToken)
    {
        while (true)
        {
            long sent = Clock.Now;
            if (schedule.HasEnded(sent))
            {
                return;
            }

            await SendOnceAsync(sender, sent, schedule.Admit(sent), histogram, window, warmUp, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task OpenLoopAsync(IRequestSender sender, Schedule schedule, LatencyHistogram histogram,
        RunCounters window, RunCounters warmUp, CancellationToken cancellationToken)
    {
        while (true)
        {
            long intended = schedule.NextIntendedTime();
            if (intended >= schedule.Rule.Cap)
            {
                return;
            }

            long wait = intended - Clock.Now;
            if (wait > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(wait / (double)Stopwatch.Frequency), cancellationToken).ConfigureAwait(false);
            }

            // The close may have moved earlier while this client waited (the target was reached).
            if (schedule.HasEnded(intended))
            {
                return;
            }

            long sent = Clock.Now;
            // Latency counts from the intended time; a timer that woke early never shortens it.
            long origin = Math.Max(intended, sent);
            bool measured = schedule.Admit(intended);
            if (measured)
            {
                window.AddLateness(Math.Max(0, sent - intended));
            }

            await SendOnceAsync(sender, origin, measured, histogram, window, warmUp, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task SendOnceAsync(IRequestSender sender, long origin, bool measured, LatencyHistogram histogram,
        RunCounters window, RunCounters warmUp, CancellationToken cancellationToken)
    {
        try
        {
            await sender.SendAsync(cancellationToken).ConfigureAwait(false);
            if (measured)
            {
                histogram.RecordTimestamps(origin, Clock.Now);
                window.AddCompleted();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            (measured ? window : warmUp).AddError(ex);
            // A failing system must not turn the client into a busy loop.
            await Task.Delay(10, cancellationToken).ConfigureAwait(false);
        }
    }
}
