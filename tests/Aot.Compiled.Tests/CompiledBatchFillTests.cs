using Aot.Compiled.Tests.Infrastructure;
using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Server.Compiled;
using Aot.Server.Hosting;
using Aot.Server.Metrics;
using Aot.Server.Models;
using Aot.Protocol;

namespace Aot.Compiled.Tests;

/// <summary>
/// The generated batch layout (<c>X.Serving</c>'s <see cref="CompiledRunner"/>.TryFillInputs, reached through
/// <see cref="BatchPlan.FillInputs"/>) against the server's general layout (<see cref="BatchPlan"/> over a
/// <see cref="RunnerExecutor"/>) on the same loaded model: random batches give byte-identical outputs, the generated
/// code is the path actually taken (the executors' counters), and padded batches are declined and laid out by the server.
/// </summary>
public sealed class CompiledBatchFillTests
{
    [Fact]
    public void MiniLm_batches_laid_out_by_the_generated_code_run_exactly_as_the_servers_layout()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.MiniLm, new ModelOptions { IntraOpThreads = 1 });
        (long generated, long general) = Compare(new MiniLm.Serving(), model, pad: false, varyLengths: false, seed: 3, batches: 12);

        Assert.Equal((12L, 0L), (generated, general));
    }

    [Fact]
    public void Tiny_batches_laid_out_by_the_generated_code_run_exactly_as_the_servers_layout()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.Tiny, new ModelOptions { IntraOpThreads = 1 });
        (long generated, long general) = Compare(new Tiny.Serving(), model, pad: false, varyLengths: false, seed: 4, batches: 40);

        Assert.Equal((40L, 0L), (generated, general));
    }

    [Fact]
    public void Batches_to_be_padded_are_declined_and_laid_out_by_the_server()
    {
        using OnnxModel model = OnnxModel.Load(TestModels.MiniLm, new ModelOptions { IntraOpThreads = 1 });

        // Padding on, sequences of different lengths in every batch: the generated code declines each one.
        Assert.Equal((0L, 8L), Compare(new MiniLm.Serving(), model, pad: true, varyLengths: true, seed: 5, batches: 8));

        // Padding on, equal lengths: nothing to pad, so the generated code lays them out.
        Assert.Equal((8L, 0L), Compare(new MiniLm.Serving(), model, pad: true, varyLengths: false, seed: 6, batches: 8));
    }

    [Fact]
    public void A_served_compiled_in_model_fills_every_batch_with_the_generated_code_and_allocates_nothing_per_request()
    {
        var log = new List<string>();
        var serving = new Tiny.Serving();
        using ServedModel served = CompiledModelLoader.LoadOne(serving, TestModels.Tiny, new ModelOptions { IntraOpThreads = 1 }, new BatcherOptions(), log.Add);
        Assert.Contains(log, l => l.Contains("signature verified, compiled validation and batch filling", StringComparison.Ordinal));
        (long generatedBefore, long generalBefore) = serving.BatchFills;

        var request = new CapturingRequest(served.Signature);
        float[] x = [.. Enumerable.Range(0, 16).Select(static i => (i * 0.5f) - 3)];
        const int WarmUp = 200, Measured = 1000;
        long allocated = 0;
        for (int n = 0; n < WarmUp + Measured; n++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            request.Reset();
            TensorBuffer input = request.Inputs[0];
            input.Shape[0] = 1;
            input.Shape[1] = 16;
            System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan()).CopyTo(input.Allocate(16 * sizeof(float)));
            input.IsSet = true;
            request.SelectAllOutputs();
            SubmitResult result = served.Batcher.Submit(request, mayRunInline: true);
            if (result != SubmitResult.Completed)
            {
                Assert.Fail($"not run inline: {result}");
            }

            allocated += n >= WarmUp ? GC.GetAllocatedBytesForCurrentThread() - before : 0;
        }

        (long generated, long general) = serving.BatchFills;
        Assert.Equal(0L, general - generalBefore);
        Assert.Equal(WarmUp + Measured, generated - generatedBefore);
        Assert.True(allocated < Measured, $"{allocated} bytes allocated over {Measured} requests");

        using var reference = new Tiny(TestModels.Tiny);
        x.CopyTo(reference.X(1));
        reference.Run();
        Assert.Equal(reference.Y.ToArray(), request.Output);
    }

    /// <summary>
    /// Fills <paramref name="batches"/> random batches both ways, runs both, and checks every output is identical.
    /// Returns the generated executor's counts (batches laid out by the generated code, batches left to the server).
    /// </summary>
    private static (long Generated, long General) Compare(CompiledModel compiled, OnnxModel model, bool pad, bool varyLengths, int seed, int batches)
    {
        var signature = new ServingSignature(model.Metadata);
        Assert.True(signature.IsBatchable);
        using CompiledExecutor generated = compiled.NewExecutor(model, generatedFill: true);
        using var general = new RunnerExecutor(model.CreateRunner());
        var generatedPlan = new BatchPlan(signature, pad);
        var generalPlan = new BatchPlan(signature, pad);
        var random = new Random(seed);
        for (int b = 0; b < batches; b++)
        {
            int count = varyLengths ? random.Next(2, 5) : random.Next(1, 5);
            int length = random.Next(1, 12);
            var batch = new List<InferenceRequest>();
            long rows = 0;
            for (int r = 0; r < count; r++)
            {
                // With varyLengths, request 1 is always longer than request 0, so every batch needs padding.
                int own = !varyLengths ? length : r == 1 ? length + 1 + random.Next(4) : random.Next(1, 12);
                batch.Add(RandomRequest(signature, random, rows: random.Next(1, 3), length: own));
                rows += batch[^1].Rows;
            }

            generalPlan.FillInputs(general, batch, rows);
            general.Run();
            generatedPlan.FillInputs(generated, batch, rows);
            generated.Run();
            for (int o = 0; o < signature.Outputs.Length; o++)
            {
                Assert.Equal(general.GetOutputShape(o).ToArray(), generated.GetOutputShape(o).ToArray());
                Assert.True(general.GetOutputBytes(o).SequenceEqual(generated.GetOutputBytes(o)), $"batch {b}: output '{signature.Outputs[o].Name}' differs");
            }
        }

        return (generated.GeneratedFills, generated.GeneralFills);
    }

    /// <summary>A valid request: dimension 0 <paramref name="rows"/>, other symbolic dimensions <paramref name="length"/>, values the model accepts.</summary>
    private static CapturingRequest RandomRequest(ServingSignature signature, Random random, int rows, int length)
    {
        var request = new CapturingRequest(signature);
        for (int i = 0; i < signature.Inputs.Length; i++)
        {
            ServingTensor input = signature.Inputs[i];
            TensorBuffer tensor = request.Inputs[i];
            long elements = 1;
            for (int d = 0; d < input.Rank; d++)
            {
                tensor.Shape[d] = input.Dims[d].IsFixed ? input.Dims[d].Value : d == 0 ? rows : length;
                elements *= tensor.Shape[d];
            }

            Span<byte> data = tensor.Allocate((int)(elements * input.ElementSize));
            if (input.Info.ElementType == ElementType.Int64)
            {
                // Token ids within the vocabulary; masks and token types 0 or 1.
                Span<long> values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(data);
                for (int v = 0; v < values.Length; v++)
                {
                    values[v] = random.Next(0, input.Name == "input_ids" ? 30_000 : 2);
                }
            }
            else
            {
                Span<float> values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(data);
                for (int v = 0; v < values.Length; v++)
                {
                    values[v] = (float)((random.NextDouble() * 8) - 4);
                }
            }

            tensor.IsSet = true;
        }

        signature.Validate(request.Inputs);
        return request;
    }

    /// <summary>A request that keeps a copy of its first output (float), allocating nothing per call.</summary>
    private sealed class CapturingRequest(ServingSignature signature) : InferenceRequest(signature, new ModelMetrics("bench", "1"))
    {
        public float[] Output { get; private set; } = [];

        public override bool IsAbandoned => false;

        public void Reset() => ResetState();

        protected override void Recycle() => ResetState();

        public override void OnCompleted(in InferenceResult result)
        {
            Span<long> shape = stackalloc long[8];
            Assert.True(result.TryGetContiguous(0, shape[..result.GetRank(0)], out ReadOnlySpan<byte> bytes));
            ReadOnlySpan<float> values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes);
            if (Output.Length != values.Length)
            {
                Output = new float[values.Length];
            }

            values.CopyTo(Output);
        }

        public override void OnFailed(ErrorCode code, string message) => throw new InvalidOperationException(message);
    }
}
