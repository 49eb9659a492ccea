using System.Buffers;
using System.IO.Pipelines;
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

/// <summary>The per-connection cap on requests in flight: beyond it the read loop stops consuming the connection's bytes.</summary>
public sealed class BackpressureTests
{
    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    [Fact]
    public async Task A_connection_at_its_cap_is_not_read_until_a_request_finishes()
    {
        OnnxModel onnx = OnnxModel.Load(TestModels.Identity(ElementType.Float)); // x, y: FP32 [batch, 3]
        var signature = new ServingSignature(onnx.Metadata);
        var metrics = new ModelMetrics("id", "1");
        var executor = new FakeExecutor(1);
        var batcher = new DynamicBatcher("id", signature, new GeneralModelAdapter(() => executor), new BatcherOptions { MaxBatchRows = 1 }, metrics);
        batcher.Start();
        using var repository = new ModelRepository([new ServedModel("id", 1, onnx, signature, batcher, metrics)]);

        var toServer = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        var fromServer = new Pipe(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
        var connection = new BinaryConnection(new Duplex(toServer.Reader, fromServer.Writer), new BinaryProtocol(repository, 1 << 20, maxInFlightPerConnection: 3));
        Task run = connection.RunAsync(CancellationToken.None);

        executor.Gate.Reset(); // hold the worker: nothing finishes
        InputTensor[] inputs = [InputTensor.Create("x", [1, 3], new float[] { 1, 2, 3 })];
        int size = InferRequestEncoder.GetFrameSize("id", inputs, null);
        byte[] frames = new byte[size * 10];
        for (int i = 0; i < 10; i++)
        {
            InferRequestEncoder.Write(frames.AsSpan(i * size), (ulong)i, "id", 0, 0, inputs, null);
        }

        await toServer.Writer.WriteAsync(frames);
        await WaitForAsync(() => connection.InFlight == 3);
        await Task.Delay(100);
        Assert.Equal(3, connection.InFlight); // the other 7 frames stay unread in the connection's buffer
        Assert.Equal(3, batcher.InFlight);

        executor.Gate.Set();
        int answered = 0;
        var seen = new HashSet<ulong>();
        byte[] header = new byte[FrameHeader.Size];
        while (answered < 10)
        {
            ReadResult result = await fromServer.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            ReadOnlySequence<byte> buffer = result.Buffer;
            while (buffer.Length >= FrameHeader.Size)
            {
                buffer.Slice(0, FrameHeader.Size).CopyTo(header);
                FrameHeader frame = FrameHeader.Read(header, out _, out _);
                if (buffer.Length < FrameHeader.Size + frame.PayloadLength)
                {
                    break;
                }

                Assert.Equal(FrameType.InferResponse, frame.Type);
                seen.Add(frame.RequestId);
                buffer = buffer.Slice(FrameHeader.Size + frame.PayloadLength);
                answered++;
            }

            fromServer.Reader.AdvanceTo(buffer.Start, buffer.End);
        }

        Assert.Equal(10, seen.Count);
        Assert.Equal(10, executor.BatchRows.Count);
        await toServer.Writer.CompleteAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (int i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
