using Aot.Client.Protocol;
using System.Buffers;
using System.IO.Pipelines;
using Aot.Client;
using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Server.Binary;
using Aot.Server.Models;
using Aot.Server.Tests.Infrastructure;
using Aot.Protocol.Wire;

namespace Aot.Server.Tests.Unit;

/// <summary>
/// The server's own code on the binary path — read loop, frame parser, request pool, batcher (inline run), runner,
/// response writer, metrics — allocates nothing per request. Runs a real <see cref="BinaryConnection"/> over
/// in-memory pipes with inline schedulers, so one request's whole path happens on the test thread and
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> sees all of it (Kestrel's socket layer is measured end to end
/// in AllocationTests).
/// </summary>
public sealed class BinaryConnectionAllocationTests
{
    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    [Fact]
    public async Task A_binary_request_allocates_nothing_in_the_servers_own_code()
    {
        using ModelRepository repository = ModelLoader.Load([new ModelSource("tiny", 1, TestModels.Tiny)], new ModelOptions { IntraOpThreads = 1 }, new BatcherOptions(), _ => { });
        var options = new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);
        var toServer = new Pipe(options);
        var fromServer = new Pipe(options);
        var connection = new BinaryConnection(new Duplex(toServer.Reader, fromServer.Writer), new BinaryProtocol(repository, 1 << 20));
        Task run = connection.RunAsync(CancellationToken.None);
        while (!repository.All[0].Batcher.HasIdleWorker)
        {
            await Task.Delay(10);
        }

        InputTensor[] inputs = [InputTensor.Create("x", [1, 16], Enumerable.Range(0, 16).Select(i => (float)i).ToArray())];
        byte[] frame = new byte[InferRequestEncoder.GetFrameSize("tiny", inputs, null)];
        InferRequestEncoder.Write(frame, 42, "tiny", 0, 0, inputs, null);

        void OneRequest()
        {
            toServer.Writer.Write(frame);
            ValueTask<FlushResult> flush = toServer.Writer.FlushAsync(); // runs the read loop, and the request inline
            if (!flush.IsCompletedSuccessfully || !fromServer.Reader.TryRead(out ReadResult result))
            {
                throw new InvalidOperationException("The request was not answered inline.");
            }

            // (No xunit asserts in here: they allocate.)
            Span<byte> header = stackalloc byte[FrameHeader.Size];
            result.Buffer.Slice(0, FrameHeader.Size).CopyTo(header);
            FrameHeader response = FrameHeader.Read(header, out _, out _);
            if (response.Type != FrameType.InferResponse || response.RequestId != 42)
            {
                throw new InvalidOperationException($"Unexpected answer {response.Type} for {response.RequestId}.");
            }

            fromServer.Reader.AdvanceTo(result.Buffer.End);
        }

        for (int i = 0; i < 1000; i++)
        {
            OneRequest();
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 2000; i++)
        {
            OneRequest();
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(2000, repository.All[0].Metrics.Count(Metrics.RequestOutcome.Success) - 1000);
        Assert.True(allocated == 0, $"{allocated} bytes for 2000 requests ({allocated / 2000.0:F1} B/request)");

        await toServer.Writer.CompleteAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Adds up what the worker thread allocates between runs (batch forming, copying in, answering).</summary>
    private sealed class ProbeExecutor(IModelExecutor inner) : IModelExecutor
    {
        private long _last = -1;

        public long Allocated;

        public long Runs;

        public Span<byte> GetInputBytes(int index, ReadOnlySpan<long> shape) => inner.GetInputBytes(index, shape);

        public void SetStringInput(int index, ReadOnlySpan<string> values, ReadOnlySpan<long> shape) => inner.SetStringInput(index, values, shape);

        public string[] GetStringOutput(int index) => inner.GetStringOutput(index);

        public void Run()
        {
            long now = GC.GetAllocatedBytesForCurrentThread();
            if (_last >= 0 && Measuring)
            {
                Allocated += now - _last;
                Runs++;
            }

            inner.Run();
            _last = GC.GetAllocatedBytesForCurrentThread();
        }

        public volatile bool Measuring;

        public ReadOnlySpan<byte> GetOutputBytes(int index) => inner.GetOutputBytes(index);

        public ReadOnlySpan<long> GetOutputShape(int index) => inner.GetOutputShape(index);

        public void Dispose() => inner.Dispose();
    }

    /// <summary>
    /// The queued path: 16 requests per write, parsed and queued by the read loop (this thread), batched and answered
    /// by the worker (measured on its thread by a probe around each run). With one row per batch every run has the
    /// same shapes and nothing is allocated anywhere. With batches of varying size the runtime re-binds its
    /// OrtValues whenever a batch's shape differs from the previous one (Aot.Runtime caches one binding per
    /// tensor), about 100 B per changed shape: bounded here so that any per-request allocation would show.
    /// </summary>
    [Theory]
    [InlineData(1, 0.05)] // ≤ 100 B in all: one-time lazy objects (a wait lock), never per request
    [InlineData(32, 256)]
    public async Task Queued_binary_requests_allocate_nothing_per_request_in_the_servers_own_code(int maxBatchRows, double workerBytesPerRunBound)
    {
        OnnxModel onnx = OnnxModel.Load(TestModels.Tiny, new ModelOptions { IntraOpThreads = 1 });
        var signature = new ServingSignature(onnx.Metadata);
        var metrics = new Metrics.ModelMetrics("tiny", "1");
        var probe = new ProbeExecutor(new RunnerExecutor(onnx.CreateRunner()));
        var batcher = new DynamicBatcher("tiny", signature, new GeneralModelAdapter(() => probe), new BatcherOptions { MaxBatchRows = maxBatchRows }, metrics);
        batcher.WarmUp();
        batcher.Start();
        using var repository = new ModelRepository([new ServedModel("tiny", 1, onnx, signature, batcher, metrics)]);
        var options = new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, useSynchronizationContext: false);
        var toServer = new Pipe(options);
        var fromServer = new Pipe(options);
        var connection = new BinaryConnection(new Duplex(toServer.Reader, fromServer.Writer), new BinaryProtocol(repository, 1 << 20));
        Task run = connection.RunAsync(CancellationToken.None);
        InputTensor[] inputs = [InputTensor.Create("x", [1, 16], Enumerable.Range(0, 16).Select(i => (float)i).ToArray())];
        int frameSize = InferRequestEncoder.GetFrameSize("tiny", inputs, null);
        byte[] frames = new byte[frameSize * 16];
        for (int i = 0; i < 16; i++)
        {
            InferRequestEncoder.Write(frames.AsSpan(i * frameSize), (ulong)i, "tiny", 0, 0, inputs, null);
        }

        byte[] header = new byte[FrameHeader.Size];
        void Burst()
        {
            // Synchronous (no async machinery of the test's own): the read loop queues the 16 requests, the worker
            // batches them and writes the answers; this thread polls for them.
            toServer.Writer.Write(frames);
            if (!toServer.Writer.FlushAsync().IsCompletedSuccessfully)
            {
                throw new InvalidOperationException("flush pending");
            }

            int answered = 0;
            while (answered < 16)
            {
                if (!fromServer.Reader.TryRead(out ReadResult result))
                {
                    Thread.SpinWait(100);
                    continue;
                }

                ReadOnlySequence<byte> buffer = result.Buffer;
                while (buffer.Length >= FrameHeader.Size)
                {
                    buffer.Slice(0, FrameHeader.Size).CopyTo(header);
                    FrameHeader response = FrameHeader.Read(header, out _, out _);
                    if (buffer.Length < FrameHeader.Size + response.PayloadLength)
                    {
                        break;
                    }

                    buffer = buffer.Slice(FrameHeader.Size + response.PayloadLength);
                    answered++;
                }

                fromServer.Reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }

        for (int i = 0; i < 100; i++)
        {
            Burst();
        }

        probe.Measuring = true;
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 125; i++)
        {
            Burst();
        }

        long readLoop = GC.GetAllocatedBytesForCurrentThread() - before;
        probe.Measuring = false;
        Assert.True(readLoop == 0, $"read loop: {readLoop} bytes for 2000 requests");
        double perRun = probe.Allocated / (double)Math.Max(1, probe.Runs);
        Assert.True(perRun <= workerBytesPerRunBound, $"worker: {perRun:F2} B per run ({probe.Allocated} B) over {probe.Runs} runs of 2000 requests");
        await toServer.Writer.CompleteAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
