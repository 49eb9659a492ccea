using Aot.LoadGen.Load;
using Xunit;

namespace Aot.Bench.Tests;

/// <summary>The load runner against in-memory targets. Assertions are on counts and verdicts, never on timings.</summary>
public class LoadRunnerTests
{
    [Fact]
    public async Task A_system_that_answers_is_measured()
    {
        // The stretch is unbounded here, so however slowly this machine schedules the clients, the window waits for 5 requests.
        var options = new LoadOptions(2, TimeSpan.Zero, TimeSpan.FromMilliseconds(50), MinRequests: 5, MaxStretch: 100_000);
        LoadResult result = await LoadRunner.RunAsync(new FakeTarget(TimeSpan.Zero), options, "test", CancellationToken.None);
        Assert.True(result.Measured);
        Assert.Null(result.Note);
        Assert.True(result.Completed >= 5);
        Assert.Equal(0, result.Errors);
    }

    [Fact]
    public async Task A_system_too_slow_for_the_stretched_window_is_not_a_result()
    {
        // Each answer takes 300 ms; the window may last 20 ms × 2: at most the first request starts inside it.
        var options = new LoadOptions(1, TimeSpan.Zero, TimeSpan.FromMilliseconds(20), MinRequests: 10, MaxStretch: 2);
        LoadResult result = await LoadRunner.RunAsync(new FakeTarget(TimeSpan.FromMilliseconds(300)), options, "test", CancellationToken.None);
        Assert.False(result.Measured);
        Assert.True(result.Completed <= 1);
        Assert.Matches("^(no request completed|only 1 request completed) in ", result.Note);
        Assert.Equal(0.02, result.NominalSeconds, 6);
    }

    [Fact]
    public async Task A_slow_system_stretches_the_window_until_the_minimum_requests_started()
    {
        // 4 clients, 10 ms answers, nominal window 1 ms: the window must stretch until 10 requests started (≥ 3 rounds).
        var options = new LoadOptions(4, TimeSpan.Zero, TimeSpan.FromMilliseconds(1), MinRequests: 10, MaxStretch: 100_000);
        LoadResult result = await LoadRunner.RunAsync(new FakeTarget(TimeSpan.FromMilliseconds(10)), options, "test", CancellationToken.None);
        Assert.True(result.Measured);
        Assert.True(result.Completed >= 10);
        Assert.True(result.Seconds > result.NominalSeconds);
    }

    [Fact]
    public async Task A_held_window_stays_open_until_the_other_run_has_ended()
    {
        // Nominal 1 ms, at most 2 ms by the rule: only the hold keeps it open for the 200 ms (and the 10 requests) before
        // the release. Counting requests rather than trusting 200 ms to hold many: on a loaded CI machine the clients'
        // thread-pool turns can be that late.
        var options = new LoadOptions(2, TimeSpan.Zero, TimeSpan.FromMilliseconds(1), MinRequests: 1, MaxStretch: 2);
        var probe = new TaskCompletionSource();
        var target = new FakeTarget(TimeSpan.FromMilliseconds(1));
        Task<LoadResult> run = LoadRunner.RunAsync(target, options, "test", CancellationToken.None, probe.Task);
        await Task.Delay(200);
        for (int waited = 0; target.Sent < 10 && waited < 60_000; waited += 10)
        {
            await Task.Delay(10);
        }

        Assert.False(run.IsCompleted);
        Assert.True(target.Sent >= 10, $"the clients sent {target.Sent} requests in a minute");
        probe.SetResult();
        LoadResult result = await run;
        Assert.True(result.Measured);
        Assert.True(result.Seconds >= 0.2, $"the window lasted {result.Seconds} s");
        Assert.True(result.Completed >= 10, $"{result.Completed} requests were measured");
    }

    [Fact]
    public async Task A_failed_probe_still_releases_the_held_window()
    {
        var options = new LoadOptions(1, TimeSpan.Zero, TimeSpan.FromMilliseconds(1), MinRequests: 1, MaxStretch: 100_000);
        LoadResult result = await LoadRunner.RunAsync(new FakeTarget(TimeSpan.Zero), options, "test", CancellationToken.None, Task.FromException(new InvalidOperationException("probe failed")));
        Assert.True(result.Measured);
    }

    [Fact]
    public async Task An_open_loop_cannot_be_held_open()
    {
        var options = new LoadOptions(1, TimeSpan.Zero, TimeSpan.FromMilliseconds(1), RatePerSecond: 100);
        await Assert.ThrowsAsync<ArgumentException>(() => LoadRunner.RunAsync(new FakeTarget(TimeSpan.Zero), options, "test", CancellationToken.None, Task.CompletedTask));
    }

    private sealed class FakeTarget(TimeSpan delay) : ITarget
    {
        private int _sent;

        public string Protocol => "fake";

        /// <summary>Requests started so far, by every client.</summary>
        public int Sent => Volatile.Read(ref _sent);

        public ValueTask<IRequestSender> ConnectAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IRequestSender>(new Sender(this, delay));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private sealed class Sender(FakeTarget target, TimeSpan delay) : IRequestSender
        {
            public async ValueTask SendAsync(CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref target._sent);
                if (delay > TimeSpan.Zero)
                {
                    await Task.Delay(delay, cancellationToken);
                }
                else
                {
                    await Task.Yield();
                }
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
