using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Server.Metrics;
using Aot.Server.Models;
using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.Unit;

/// <summary>Batched results equal unbatched ones, on real models through ONNX Runtime.</summary>
public sealed class RealModelBatchingTests
{
    [Fact]
    public async Task Tiny_batched_equals_each_request_run_alone()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.Tiny, new ModelOptions { IntraOpThreads = 1 });
        var signature = new ServingSignature(model.Metadata);
        Assert.True(signature.IsBatchable);
        var random = new Random(7);
        TestRequest[] requests = [.. Enumerable.Range(0, 12).Select(i =>
        {
            int rows = 1 + (i % 3);
            float[] values = [.. Enumerable.Range(0, rows * 16).Select(_ => (float)random.NextDouble() * 4 - 2)];
            return new TestRequest(signature).With(0, [rows, 16], values);
        })];

        float[][] batched = await RunBatchedAsync(model, signature, requests, pad: false);
        for (int r = 0; r < requests.Length; r++)
        {
            float[] alone = RunAlone(model, requests[r]);
            Assert.Equal(alone.Length, batched[r].Length);
            for (int i = 0; i < alone.Length; i++)
            {
                Assert.Equal(alone[i], batched[r][i], 5);
            }
        }
    }

    [Fact]
    public async Task A_request_reused_as_soon_as_it_is_answered_leaves_the_rest_of_its_batch_their_own_rows()
    {
        // A binary request goes back to its pool inside OnCompleted, and a read loop may rent it at once for its next
        // frame, overwriting its shape while the worker still answers the rest of the batch (the soak found wrong and
        // lost answers on the binary protocol this way).
        using OnnxModel model = OnnxModel.Load(TestModels.Tiny, new ModelOptions { IntraOpThreads = 1 });
        var signature = new ServingSignature(model.Metadata);
        TestRequest[] requests = [.. Enumerable.Range(0, 6).Select(i =>
            new TestRequest(signature).With(0, [2, 16], Enumerable.Range(0, 32).Select(v => (float)(((v * (i + 3)) % 13) - 6) / 3).ToArray()))];
        float[][] alone = [.. requests.Select(r => RunAlone(model, r))];
        foreach (TestRequest request in requests)
        {
            request.AfterAnswer = reused => reused.Inputs[0].Shape[0] = 1; // the next tenant's frame holds one row
        }

        float[][] batched = await RunBatchedAsync(model, signature, requests, pad: false);
        for (int r = 0; r < requests.Length; r++)
        {
            Assert.Equal(alone[r], batched[r]);
        }
    }

    [Fact]
    public async Task Padded_sequences_of_different_lengths_equal_unpadded_runs()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.BertTiny, new ModelOptions { IntraOpThreads = 1 });
        var signature = new ServingSignature(model.Metadata);
        Assert.True(signature.IsBatchable);
        int[] lengths = [3, 7, 5, 6, 8]; // after the first, one length bucket (5–8): one padded batch
        TestRequest[] requests = [.. lengths.Select(length =>
        {
            long[] ids = [.. Enumerable.Range(0, length).Select(i => 100L + (i * 37 % 1000))];
            long[] mask = [.. Enumerable.Repeat(1L, length)];
            long[] types = new long[length];
            return new TestRequest(signature).With(0, [1, length], ids).With(1, [1, length], mask).With(2, [1, length], types);
        })];

        float[][] batched = await RunBatchedAsync(model, signature, requests, pad: true);
        for (int r = 0; r < requests.Length; r++)
        {
            Assert.Equal(new long[] { 1, lengths[r], 128 }, requests[r].Outputs[0].Shape); // trimmed back
            float[] alone = RunAlone(model, requests[r]);
            Assert.Equal(alone.Length, batched[r].Length);
            for (int i = 0; i < alone.Length; i++)
            {
                Assert.True(Math.Abs(alone[i] - batched[r][i]) < 1e-3, $"request {r} value {i}: {alone[i]} vs {batched[r][i]}");
            }
        }
    }

    /// <summary>Queues all requests behind a held first run so they form one batch, then returns output 0 of each.</summary>
    private static async Task<float[][]> RunBatchedAsync(OnnxModel model, ServingSignature signature, TestRequest[] requests, bool pad)
    {
        var gated = new GatedExecutor(new RunnerExecutor(model.CreateRunner()));
        using var batcher = new DynamicBatcher("m", signature, new GeneralModelAdapter(() => gated), new BatcherOptions { MaxBatchRows = 64, PadSequences = pad }, new ModelMetrics("m", "1"));
        batcher.Start();
        gated.Hold();
        TestRequest first = requests[0];
        Assert.Equal(SubmitResult.Queued, batcher.Submit(first, mayRunInline: false));
        Assert.True(await gated.Started.WaitAsync(TimeSpan.FromSeconds(10)));
        foreach (TestRequest request in requests.Skip(1))
        {
            Assert.Equal(SubmitResult.Queued, batcher.Submit(request, mayRunInline: false));
        }

        gated.Release();
        foreach (TestRequest request in requests)
        {
            Assert.True(await request.WaitAsync(), request.FailureMessage);
        }

        Assert.Equal(2, gated.Runs); // the first request alone, then all the others in one batch
        return [.. requests.Select(r => r.Output<float>(0))];
    }

    private static float[] RunAlone(OnnxModel model, TestRequest request)
    {
        using ModelRunner runner = model.CreateRunner();
        for (int i = 0; i < request.Inputs.Length; i++)
        {
            request.Inputs[i].Data.CopyTo(runner.GetInputBytes(i, request.Inputs[i].Shape));
        }

        runner.Run();
        return runner.GetOutput<float>(0).ToArray();
    }
}
