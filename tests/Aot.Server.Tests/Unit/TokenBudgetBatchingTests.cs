using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Server.Metrics;
using Aot.Server.Models;
using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.Unit;

/// <summary>
/// Token-budget batching on a padded BERT (input_ids [batch, sequence]): batches bounded by rows × longest, requests
/// taken only while the padding they add is below a run's cost, and long and short requests mixed never leave a short one more than one batch behind.
/// Deterministic: every request is queued behind a held first run.
/// </summary>
public sealed class TokenBudgetBatchingTests : IDisposable
{
    private readonly OnnxModel _model = OnnxModel.Load(TestModels.BertTiny, new ModelOptions { IntraOpThreads = 1 });
    private readonly ServingSignature _signature;

    public TokenBudgetBatchingTests() => _signature = new ServingSignature(_model.Metadata);

    public void Dispose() => _model.Dispose();

    private TestRequest Text(int length)
    {
        long[] ids = [.. Enumerable.Range(0, length).Select(i => 100L + i)];
        long[] ones = [.. Enumerable.Repeat(1L, length)];
        return new TestRequest(_signature).With(0, [1, length], ids).With(1, [1, length], ones).With(2, [1, length], new long[length]);
    }

    /// <summary>Runs a length-1 blocker, queues <paramref name="lengths"/> behind it, and returns the shapes of the runs after it.</summary>
    private async Task<(List<long[]> Shapes, TestRequest[] Requests, ModelMetrics Metrics)> RunQueuedAsync(long maxBatchTokens, params int[] lengths)
    {
        var gated = new GatedExecutor(new RunnerExecutor(_model.CreateRunner()));
        var metrics = new ModelMetrics("bert", "1");
        using var batcher = new DynamicBatcher("bert", _signature, new GeneralModelAdapter(() => gated),
            new BatcherOptions { MaxBatchRows = 64, PadSequences = true, MaxBatchTokens = maxBatchTokens }, metrics);
        batcher.Start();
        gated.Hold();
        TestRequest blocker = Text(1);
        Assert.Equal(SubmitResult.Queued, batcher.Submit(blocker, mayRunInline: false));
        Assert.True(await gated.Started.WaitAsync(TimeSpan.FromSeconds(10)));
        TestRequest[] requests = [.. lengths.Select(Text)];
        foreach (TestRequest request in requests)
        {
            Assert.Equal(SubmitResult.Queued, batcher.Submit(request, mayRunInline: false));
        }

        gated.Release();
        Assert.True(await blocker.WaitAsync());
        foreach (TestRequest request in requests)
        {
            Assert.True(await request.WaitAsync(), request.FailureMessage);
            Assert.Equal(request.Inputs[0].Shape[1], request.Outputs[0].Shape[1]); // trimmed back to its own length
        }

        return ([.. gated.Shapes.Skip(1)], requests, metrics);
    }

    [Fact]
    public async Task A_batch_holds_at_most_max_batch_tokens_padded_tokens()
    {
        (List<long[]> shapes, _, _) = await RunQueuedAsync(64, 16, 16, 16, 16, 16, 16, 16, 16, 12, 15);
        Assert.Equal([[4, 16], [4, 16], [2, 15]], shapes.Select(s => s.ToArray()));
        Assert.All(shapes, s => Assert.True(s[0] * s[1] <= 64));
    }

    [Fact]
    public async Task A_request_longer_than_the_budget_still_runs_alone()
    {
        (List<long[]> shapes, _, _) = await RunQueuedAsync(64, 100, 100);
        Assert.Equal([[1, 100], [1, 100]], shapes.Select(s => s.ToArray()));
    }

    [Fact]
    public async Task Long_and_short_requests_mixed_are_batched_by_length_and_shorts_wait_one_batch_at_most()
    {
        (List<long[]> shapes, _, _) = await RunQueuedAsync(16384, 100, 5, 120, 6, 7, 90, 3);
        // The oldest (100 tokens) seeds a batch and takes the long ones (120 adds 20 padded tokens, 90 adds 30: under a
        // run's cost of 32); a short one would add 95+; the shorts, all queued behind it, run next, together.
        Assert.Equal([[3, 120], [4, 7]], shapes.Select(s => s.ToArray()));
    }

    [Fact]
    public async Task A_request_joins_a_batch_only_while_the_padding_it_adds_costs_less_than_a_run()
    {
        // 8 rows of 20 then one of 24: taking it pads 8 rows by 4 = 32 tokens, a run's cost: taken. A second of 28 would
        // pad 9 rows by 4 (36): it runs apart, with the 29 (1 token of padding).
        (List<long[]> shapes, _, _) = await RunQueuedAsync(16384, 20, 20, 20, 20, 20, 20, 20, 20, 24, 28, 29);
        Assert.Equal([[9, 24], [2, 29]], shapes.Select(s => s.ToArray()));
    }

    [Fact]
    public async Task Padding_is_counted_per_model()
    {
        (_, _, ModelMetrics metrics) = await RunQueuedAsync(16384, 7, 8, 5);
        Assert.Equal(1 + 7 + 8 + 5, metrics.Tokens);
        Assert.Equal(1 + (3 * 8), metrics.PaddedTokens);
        Assert.Equal(2, metrics.PaddingRatio.BucketCount(0) + metrics.PaddingRatio.BucketCount(Array.IndexOf(Histogram.RatioBounds, 0.2)));
    }
}
