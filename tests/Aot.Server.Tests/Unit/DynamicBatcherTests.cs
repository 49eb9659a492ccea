using System.Diagnostics;
using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Server.Metrics;
using Aot.Server.Models;
using Aot.Server.Tests.Infrastructure;
using Aot.Protocol;

namespace Aot.Server.Tests.Unit;

public sealed class DynamicBatcherTests : IDisposable
{
    private readonly OnnxModel _identity = OnnxModel.Load(TestModels.Identity(ElementType.Float)); // x, y: FP32 [batch, 3]
    private readonly ServingSignature _signature;
    private readonly FakeExecutor _executor = new(1);

    public DynamicBatcherTests() => _signature = new ServingSignature(_identity.Metadata);

    public void Dispose() => _identity.Dispose();

    private DynamicBatcher Start(BatcherOptions options, out ModelMetrics metrics)
    {
        metrics = new ModelMetrics("identity", "1");
        var batcher = new DynamicBatcher("identity", _signature, new GeneralModelAdapter(() => _executor), options, metrics);
        batcher.Start();
        return batcher;
    }

    private TestRequest Request(float first, long rows = 1)
    {
        float[] values = [.. Enumerable.Range(0, (int)rows * 3).Select(i => first + i)];
        return new TestRequest(_signature).With(0, [rows, 3], values);
    }

    /// <summary>Queues one request and waits until the worker is running it (and held at the gate).</summary>
    private async Task<TestRequest> OccupyWorkerAsync(DynamicBatcher batcher)
    {
        _executor.Gate.Reset();
        TestRequest blocker = Request(-1);
        Assert.Equal(SubmitResult.Queued, batcher.Submit(blocker, mayRunInline: false));
        Assert.True(await _executor.RunStarted.WaitAsync(TimeSpan.FromSeconds(10)));
        return blocker;
    }

    [Fact]
    public async Task Requests_queued_behind_a_busy_worker_run_as_one_batch_and_get_their_own_rows()
    {
        using DynamicBatcher batcher = Start(new BatcherOptions { MaxBatchRows = 32 }, out ModelMetrics metrics);
        TestRequest blocker = await OccupyWorkerAsync(batcher);
        TestRequest[] queued = [Request(0), Request(100, rows: 2), Request(200), Request(300)];
        foreach (TestRequest request in queued)
        {
            Assert.Equal(SubmitResult.Queued, batcher.Submit(request, mayRunInline: false));
        }

        _executor.Gate.Set();
        Assert.True(await blocker.WaitAsync());
        foreach (TestRequest request in queued)
        {
            Assert.True(await request.WaitAsync(), request.FailureMessage);
            Assert.Equal(request.Inputs[0].Shape, request.Outputs[0].Shape);
            Assert.Equal(request.Inputs[0].Data.ToArray(), request.Outputs[0].Data);
        }

        Assert.Equal(new long[] { 1, 5 }, _executor.BatchRows);
        Assert.Equal(2, metrics.BatchSize.BucketCount(0) + metrics.BatchSize.BucketCount(3)); // one batch of 1, one of 5 (≤ 8)
    }

    [Fact]
    public async Task Batches_never_exceed_max_batch_rows()
    {
        using DynamicBatcher batcher = Start(new BatcherOptions { MaxBatchRows = 4 }, out _);
        TestRequest blocker = await OccupyWorkerAsync(batcher);
        TestRequest[] queued = [.. Enumerable.Range(0, 10).Select(i => Request(i * 10))];
        foreach (TestRequest request in queued)
        {
            Assert.Equal(SubmitResult.Queued, batcher.Submit(request, mayRunInline: false));
        }

        _executor.Gate.Set();
        await blocker.WaitAsync();
        await Task.WhenAll(queued.Select(r => r.WaitAsync()));
        Assert.All(_executor.BatchRows, rows => Assert.InRange(rows, 1, 4));
        Assert.Equal(11, _executor.BatchRows.Sum());
        Assert.Equal(new long[] { 1, 4, 4, 2 }, _executor.BatchRows);
    }

    [Fact]
    public async Task A_lone_request_on_an_idle_model_runs_alone_with_zero_delay()
    {
        using DynamicBatcher batcher = Start(new BatcherOptions { MaxBatchRows = 32 }, out _);
        TestRequest request = Request(1);
        Assert.Equal(SubmitResult.Queued, batcher.Submit(request, mayRunInline: false));
        Assert.True(await request.WaitAsync());
        Assert.Equal(new long[] { 1 }, _executor.BatchRows);
    }

    [Fact]
    public async Task Max_delay_lets_a_batch_wait_for_later_requests()
    {
        using DynamicBatcher batcher = Start(new BatcherOptions { MaxBatchRows = 32, MaxDelay = TimeSpan.FromMilliseconds(300) }, out _);
        var clock = Stopwatch.StartNew();
        TestRequest first = Request(1);
        Assert.Equal(SubmitResult.Queued, batcher.Submit(first, mayRunInline: false));
        await Task.Delay(50);
        TestRequest second = Request(2);
        Assert.Equal(SubmitResult.Queued, batcher.Submit(second, mayRunInline: false));
        Assert.True(await first.WaitAsync());
        Assert.True(await second.WaitAsync());
        Assert.Equal(new long[] { 2 }, _executor.BatchRows);
        Assert.True(clock.ElapsedMilliseconds >= 250, $"ran after {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task A_full_queue_refuses_at_once_with_overloaded()
    {
        using DynamicBatcher batcher = Start(new BatcherOptions { MaxQueue = 2 }, out _);
        TestRequest blocker = await OccupyWorkerAsync(batcher);
        Assert.Equal(SubmitResult.Queued, batcher.Submit(Request(1), mayRunInline: false));
        Assert.Equal(SubmitResult.Queued, batcher.Submit(Request(2), mayRunInline: false));
        TestRequest refused = Request(3);
        Assert.Equal(SubmitResult.Refused, batcher.Submit(refused, mayRunInline: false));
        Assert.Equal(ErrorCode.Overloaded, refused.Failure);
        Assert.Equal(2, batcher.QueueDepth);
        _executor.Gate.Set();
        await blocker.WaitAsync();
    }

    [Fact]
    public async Task Expired_and_cancelled_requests_are_dropped_before_batching()
    {
        using DynamicBatcher batcher = Start(new BatcherOptions(), out _);
        TestRequest blocker = await OccupyWorkerAsync(batcher);
        TestRequest expired = Request(1);
        expired.DeadlineAt = Stopwatch.GetTimestamp() + (Stopwatch.Frequency / 100); // 10 ms
        TestRequest cancelled = Request(2);
        TestRequest live = Request(3);
        Assert.Equal(SubmitResult.Queued, batcher.Submit(expired, mayRunInline: false));
        Assert.Equal(SubmitResult.Queued, batcher.Submit(cancelled, mayRunInline: false));
        Assert.Equal(SubmitResult.Queued, batcher.Submit(live, mayRunInline: false));
        cancelled.Abandoned = true;
        await Task.Delay(50);
        _executor.Gate.Set();

        Assert.False(await expired.WaitAsync());
        Assert.Equal(ErrorCode.DeadlineExceeded, expired.Failure);
        Assert.False(await cancelled.WaitAsync());
        Assert.Equal(ErrorCode.Cancelled, cancelled.Failure);
        Assert.True(await live.WaitAsync());
        await blocker.WaitAsync();
        Assert.Equal(new long[] { 1, 1 }, _executor.BatchRows); // the blocker, then only the live request
        Assert.Equal(0, batcher.InFlight);
    }

    [Fact]
    public async Task A_failing_run_fails_its_requests_with_500_and_the_worker_keeps_serving()
    {
        using DynamicBatcher batcher = Start(new BatcherOptions(), out _);
        _executor.FailNextRun = new InvalidOperationException("kaboom");
        TestRequest failed = Request(1);
        Assert.Equal(SubmitResult.Queued, batcher.Submit(failed, mayRunInline: false));
        Assert.False(await failed.WaitAsync());
        Assert.Equal(ErrorCode.InternalError, failed.Failure);
        Assert.Contains("kaboom", failed.FailureMessage);

        TestRequest next = Request(2);
        Assert.Equal(SubmitResult.Queued, batcher.Submit(next, mayRunInline: false));
        Assert.True(await next.WaitAsync());
    }

    [Fact]
    public async Task Stop_finishes_queued_requests_and_then_refuses_new_ones()
    {
        DynamicBatcher batcher = Start(new BatcherOptions(), out _);
        TestRequest blocker = await OccupyWorkerAsync(batcher);
        TestRequest queued = Request(1);
        Assert.Equal(SubmitResult.Queued, batcher.Submit(queued, mayRunInline: false));
        Task stop = Task.Run(() => batcher.Stop(TimeSpan.FromSeconds(10)));
        await Task.Delay(50);
        TestRequest refused = Request(2);
        Assert.Equal(SubmitResult.Refused, batcher.Submit(refused, mayRunInline: false));
        Assert.Equal(ErrorCode.Unavailable, refused.Failure);
        _executor.Gate.Set();
        await stop;
        Assert.True(await blocker.WaitAsync());
        Assert.True(await queued.WaitAsync());
    }

    [Fact]
    public async Task A_lone_request_on_an_idle_model_runs_inline_on_the_calling_thread()
    {
        using DynamicBatcher batcher = Start(new BatcherOptions(), out ModelMetrics metrics);
        await WaitUntilParkedAsync(batcher);
        TestRequest request = Request(7);
        Assert.Equal(SubmitResult.Completed, batcher.Submit(request, mayRunInline: true));
        Assert.True(request.Completion.IsCompleted, "answered before Submit returned");
        Assert.Equal(request.Inputs[0].Data.ToArray(), request.Outputs[0].Data);
        Assert.Equal(Environment.CurrentManagedThreadId, _executor.RunThreads.Single());
        Assert.Equal(0, batcher.InFlight);
        Assert.Equal(1, metrics.BatchSize.BucketCount(0));

        // The worker was only lent: queued requests are still served by it.
        TestRequest queued = Request(8);
        Assert.Equal(SubmitResult.Queued, batcher.Submit(queued, mayRunInline: false));
        Assert.True(await queued.WaitAsync());
        Assert.NotEqual(Environment.CurrentManagedThreadId, _executor.RunThreads[1]);
    }

    [Fact]
    public async Task A_busy_model_queues_instead_of_running_inline_and_requests_still_batch()
    {
        using DynamicBatcher batcher = Start(new BatcherOptions(), out _);
        TestRequest blocker = await OccupyWorkerAsync(batcher);
        TestRequest[] queued = [Request(0), Request(10), Request(20)];
        foreach (TestRequest request in queued)
        {
            Assert.Equal(SubmitResult.Queued, batcher.Submit(request, mayRunInline: true));
        }

        _executor.Gate.Set();
        Assert.True(await blocker.WaitAsync());
        foreach (TestRequest request in queued)
        {
            Assert.True(await request.WaitAsync());
        }

        Assert.Equal(new long[] { 1, 3 }, _executor.BatchRows);
    }

    [Fact]
    public async Task Requests_arriving_during_an_inline_run_are_batched_by_the_worker_afterwards()
    {
        using DynamicBatcher batcher = Start(new BatcherOptions(), out _);
        await WaitUntilParkedAsync(batcher);
        _executor.Gate.Reset();
        TestRequest lone = Request(1);
        Task<SubmitResult> inline = Task.Run(() => batcher.Submit(lone, mayRunInline: true));
        Assert.True(await _executor.RunStarted.WaitAsync(TimeSpan.FromSeconds(10)));
        TestRequest[] queued = [Request(10), Request(20), Request(30)];
        foreach (TestRequest request in queued)
        {
            // The worker is lent: nothing idle, so these queue (even when they may run inline).
            Assert.Equal(SubmitResult.Queued, batcher.Submit(request, mayRunInline: true));
        }

        _executor.Gate.Set();
        Assert.Equal(SubmitResult.Completed, await inline);
        foreach (TestRequest request in queued)
        {
            Assert.True(await request.WaitAsync());
            Assert.Equal(request.Inputs[0].Data.ToArray(), request.Outputs[0].Data);
        }

        Assert.Equal(new long[] { 1, 3 }, _executor.BatchRows);
        Assert.Equal(0, batcher.InFlight);
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 500)]
    public async Task Inline_runs_are_off_when_disabled_or_when_batches_may_wait(bool inlineOption, int maxDelayMicros)
    {
        using DynamicBatcher batcher = Start(new BatcherOptions { InlineLoneRequests = inlineOption, MaxDelay = TimeSpan.FromMicroseconds(maxDelayMicros) }, out _);
        await WaitUntilParkedAsync(batcher);
        TestRequest request = Request(1);
        Assert.Equal(SubmitResult.Queued, batcher.Submit(request, mayRunInline: true));
        Assert.True(await request.WaitAsync());
        Assert.NotEqual(Environment.CurrentManagedThreadId, _executor.RunThreads.Single());
    }

    [Fact]
    public async Task Stop_while_a_worker_is_lent_drains_and_joins()
    {
        DynamicBatcher batcher = Start(new BatcherOptions(), out _);
        await WaitUntilParkedAsync(batcher);
        _executor.Gate.Reset();
        TestRequest lone = Request(1);
        Task<SubmitResult> inline = Task.Run(() => batcher.Submit(lone, mayRunInline: true));
        Assert.True(await _executor.RunStarted.WaitAsync(TimeSpan.FromSeconds(10)));
        TestRequest queued = Request(2);
        Assert.Equal(SubmitResult.Queued, batcher.Submit(queued, mayRunInline: true));
        Task stop = Task.Run(() => batcher.Stop(TimeSpan.FromSeconds(10)));
        await Task.Delay(50);
        TestRequest refused = Request(3);
        Assert.Equal(SubmitResult.Refused, batcher.Submit(refused, mayRunInline: true));
        Assert.Equal(ErrorCode.Unavailable, refused.Failure);
        _executor.Gate.Set();
        Assert.Equal(SubmitResult.Completed, await inline);
        await stop.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(await queued.WaitAsync());
    }

    [Fact]
    public async Task A_sub_millisecond_max_delay_still_batches_and_answers_each_lone_request()
    {
        using DynamicBatcher batcher = Start(new BatcherOptions { MaxDelay = TimeSpan.FromMicroseconds(300) }, out _);
        TestRequest blocker = await OccupyWorkerAsync(batcher);
        TestRequest[] queued = [Request(0), Request(10)];
        foreach (TestRequest request in queued)
        {
            Assert.Equal(SubmitResult.Queued, batcher.Submit(request, mayRunInline: false));
        }

        _executor.Gate.Set();
        await blocker.WaitAsync();
        await Task.WhenAll(queued.Select(r => r.WaitAsync()));
        Assert.Equal(new long[] { 1, 2 }, _executor.BatchRows);

        // Lone requests under a sub-millisecond delay are each answered (the wait ends by yielding, not by a 1 ms sleep;
        // how long that takes is a benchmark's question, not a test's).
        await Task.Delay(20);
        for (int i = 0; i < 20; i++)
        {
            TestRequest lone = Request(i);
            Assert.Equal(SubmitResult.Queued, batcher.Submit(lone, mayRunInline: false));
            Assert.True(await lone.WaitAsync());
        }

        Assert.Equal(Enumerable.Repeat(1L, 20), _executor.BatchRows.Skip(2));
    }

    [Fact]
    public async Task After_overlapping_traffic_lone_requests_queue_until_a_batch_of_one_finds_nothing_waiting()
    {
        using DynamicBatcher batcher = Start(new BatcherOptions(), out _);
        TestRequest blocker = await OccupyWorkerAsync(batcher);
        TestRequest[] queued = [Request(0), Request(10)];
        foreach (TestRequest request in queued)
        {
            Assert.Equal(SubmitResult.Queued, batcher.Submit(request, mayRunInline: false));
        }

        _executor.Gate.Set();
        await Task.WhenAll(queued.Select(r => r.WaitAsync()));
        await blocker.WaitAsync();
        await WaitUntilParkedAsync(batcher);

        // The model just served a batch of two: the next lone request goes through the worker (a batch of one with
        // nothing behind it), and the one after that runs inline again.
        TestRequest afterLoad = Request(20);
        Assert.Equal(SubmitResult.Queued, batcher.Submit(afterLoad, mayRunInline: true));
        Assert.True(await afterLoad.WaitAsync());
        await WaitUntilParkedAsync(batcher);
        TestRequest quiet = Request(30);
        Assert.Equal(SubmitResult.Completed, batcher.Submit(quiet, mayRunInline: true));
        Assert.Equal(new long[] { 1, 2, 1, 1 }, _executor.BatchRows);
    }

    /// <summary>Waits until the worker has parked (idle), so a Submit may borrow it.</summary>
    private static async Task WaitUntilParkedAsync(DynamicBatcher batcher)
    {
        for (int i = 0; i < 500 && !batcher.HasIdleWorker; i++)
        {
            await Task.Delay(10);
        }

        Assert.True(batcher.HasIdleWorker, "the worker never parked");
    }

    [Fact]
    public async Task A_model_idle_after_a_burst_gives_its_memory_back_once_with_a_run_on_the_smallest_input()
    {
        using DynamicBatcher batcher = Start(new BatcherOptions { MaxBatchRows = 32, ReleaseMemoryAfterIdle = TimeSpan.FromMilliseconds(50) }, out ModelMetrics metrics);
        TestRequest blocker = await OccupyWorkerAsync(batcher);
        TestRequest big = Request(0, rows: 8);
        Assert.Equal(SubmitResult.Queued, batcher.Submit(big, mayRunInline: false));
        _executor.Gate.Set();
        Assert.True(await blocker.WaitAsync());
        Assert.True(await big.WaitAsync(), big.FailureMessage);

        Assert.True(await _executor.MemoryReleased.WaitAsync(TimeSpan.FromSeconds(10)), "no release after the burst");
        Assert.Equal([1, 3], _executor.ReleaseRuns.Single());
        Assert.Equal(1, metrics.MemoryReleases);
        Assert.False(await _executor.MemoryReleased.WaitAsync(TimeSpan.FromMilliseconds(300)), "released again with no batch in between");

        // Served as before afterwards, and the next burst is released in its turn.
        TestRequest after = Request(7, rows: 2);
        Assert.Equal(SubmitResult.Queued, batcher.Submit(after, mayRunInline: false));
        Assert.True(await after.WaitAsync(), after.FailureMessage);
        Assert.Equal([7f, 8, 9, 10, 11, 12], after.Output<float>(0));
        Assert.True(await _executor.MemoryReleased.WaitAsync(TimeSpan.FromSeconds(10)), "no release after the second burst");
    }

    [Fact]
    public async Task With_the_idle_release_off_the_memory_is_kept()
    {
        using DynamicBatcher batcher = Start(new BatcherOptions { MaxBatchRows = 32, ReleaseMemoryAfterIdle = TimeSpan.Zero }, out _);
        TestRequest request = Request(0, rows: 4);
        Assert.Equal(SubmitResult.Queued, batcher.Submit(request, mayRunInline: false));
        Assert.True(await request.WaitAsync(), request.FailureMessage);
        Assert.False(await _executor.MemoryReleased.WaitAsync(TimeSpan.FromMilliseconds(300)), "released with the release off");
    }
}
