using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.InteropServices;
using Aot.Client.Protocol;
using Aot.Client;
using Aot.Protocol.Wire;
using Aot.Protocol;
using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Server.Binary;
using Aot.Server.Metrics;
using Aot.Server.Models;
using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.Unit;

/// <summary>
/// The read loop's single-copy path: a lone request's tensor bytes stay in the receive buffer and are copied once,
/// straight into the runner's input buffer; a request that must queue copies them into its own buffer first.
/// </summary>
public sealed class BinaryConnectionTests : IDisposable
{
    private readonly OnnxModel _identity = OnnxModel.Load(TestModels.Identity(ElementType.Float)); // x, y: FP32 [batch, 3]
    private readonly FakeExecutor _executor = new(1); // identity: y = x
    private readonly DynamicBatcher _batcher;
    private readonly ModelRepository _repository;
    private readonly Pipe _toServer = new(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, pauseWriterThreshold: 0, useSynchronizationContext: false));
    private readonly Pipe _fromServer = new(new PipeOptions(readerScheduler: PipeScheduler.Inline, writerScheduler: PipeScheduler.Inline, pauseWriterThreshold: 0, useSynchronizationContext: false));
    private readonly Task _run;

    public BinaryConnectionTests()
    {
        var signature = new ServingSignature(_identity.Metadata);
        var metrics = new ModelMetrics("id", "1");
        _batcher = new DynamicBatcher("id", signature, new GeneralModelAdapter(() => _executor), new BatcherOptions(), metrics);
        _batcher.Start();
        _repository = new ModelRepository([new ServedModel("id", 1, _identity, signature, _batcher, metrics)]);
        var connection = new BinaryConnection(new Duplex(_toServer.Reader, _fromServer.Writer), new BinaryProtocol(_repository, 1 << 24));
        _run = connection.RunAsync(CancellationToken.None);
    }

    public void Dispose()
    {
        _toServer.Writer.Complete();
        _run.Wait(TimeSpan.FromSeconds(10));
        _repository.Dispose();
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    private static (byte[] Frame, float[] Values) Frame(ulong id, int rows, float first)
    {
        float[] values = [.. Enumerable.Range(0, rows * 3).Select(i => first + i)];
        InputTensor[] inputs = [InputTensor.Create("x", [rows, 3], values)];
        byte[] frame = new byte[InferRequestEncoder.GetFrameSize("id", inputs, null)];
        InferRequestEncoder.Write(frame, id, "id", 0, 0, inputs, null);
        return (frame, values);
    }

    /// <summary>Reads one response frame and returns its output's floats.</summary>
    private async Task<(ulong Id, float[] Values)> ReadResponseAsync()
    {
        while (true)
        {
            ReadResult result = await _fromServer.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.Length >= FrameHeader.Size)
            {
                byte[] header = buffer.Slice(0, FrameHeader.Size).ToArray();
                FrameHeader frame = FrameHeader.Read(header, out _, out _);
                if (buffer.Length >= FrameHeader.Size + frame.PayloadLength && frame.Type == FrameType.Pong)
                {
                    _fromServer.Reader.AdvanceTo(buffer.Slice(FrameHeader.Size + frame.PayloadLength).Start);
                    continue;
                }

                if (buffer.Length >= FrameHeader.Size + frame.PayloadLength)
                {
                    Assert.Equal(FrameType.InferResponse, frame.Type);
                    byte[] payload = buffer.Slice(FrameHeader.Size, frame.PayloadLength).ToArray();
                    _fromServer.Reader.AdvanceTo(buffer.Slice(FrameHeader.Size + frame.PayloadLength).Start);
                    IReadOnlyList<OutputTensor> outputs = InferResponseDecoder.ReadOutputs(payload, payload.Length);
                    return (frame.RequestId, outputs[0].ToArray<float>());
                }
            }

            _fromServer.Reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private async Task WaitUntilIdleAsync()
    {
        for (int i = 0; i < 500 && !_batcher.HasIdleWorker; i++)
        {
            await Task.Delay(10);
        }

        Assert.True(_batcher.HasIdleWorker);
    }

    [Fact]
    public async Task A_lone_request_spanning_several_buffer_segments_runs_inline_from_the_receive_buffer()
    {
        await WaitUntilIdleAsync();
        (byte[] frame, float[] values) = Frame(7, rows: 2000, first: 0.5f); // 24 KB of tensor: several pipe segments
        for (int at = 0; at < frame.Length; at += 5000)
        {
            await _toServer.Writer.WriteAsync(frame.AsMemory(at, Math.Min(5000, frame.Length - at)));
        }

        (ulong id, float[] answer) = await ReadResponseAsync();
        Assert.Equal(7ul, id);
        Assert.Equal(values, answer);
        Assert.Equal(Environment.CurrentManagedThreadId, _executor.RunThreads.Single()); // ran on the read loop (inline pipes: this thread)
    }

    [Fact]
    public async Task A_request_that_must_queue_keeps_its_own_copy_after_the_receive_buffer_is_reused()
    {
        await WaitUntilIdleAsync();
        _executor.Gate.Reset();
        var blocker = new TestRequest(new ServingSignature(_identity.Metadata)).With(0, [1, 3], new float[] { 1, 2, 3 });
        Assert.Equal(SubmitResult.Queued, _batcher.Submit(blocker, mayRunInline: false));
        Assert.True(await _executor.RunStarted.WaitAsync(TimeSpan.FromSeconds(10)));

        (byte[] frame, float[] values) = Frame(8, rows: 300, first: 100);
        await _toServer.Writer.WriteAsync(frame); // queued behind the blocker: its bytes must be copied out
        byte[] junk = new byte[frame.Length];
        new FrameHeader((uint)(junk.Length - FrameHeader.Size), FrameType.Ping, 9).Write(junk);
        MemoryMarshal.Cast<byte, float>(junk.AsSpan(FrameHeader.Size, (junk.Length - FrameHeader.Size) / 4 * 4)).Fill(-1);
        await _toServer.Writer.WriteAsync(junk); // reuses the receive buffer's memory

        _executor.Gate.Set();
        Assert.True(await blocker.WaitAsync());
        (ulong id, float[] answer) = await ReadResponseAsync();
        Assert.Equal(8ul, id);
        Assert.Equal(values, answer);
    }
}
