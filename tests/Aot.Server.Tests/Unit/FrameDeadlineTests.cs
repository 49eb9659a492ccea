using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Aot.Protocol.Wire;
using Aot.Server.Binary;
using Aot.Server.Models;

namespace Aot.Server.Tests.Unit;

/// <summary>
/// <c>--frame-timeout-s</c> on one binary connection over in-memory pipes: the clock of a frame runs from its own first
/// byte, so a client streaming frames that each span reads is never cut off, while one whose frame stalls is.
/// </summary>
public sealed class FrameDeadlineTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(300);

    private readonly ModelRepository _repository = new([]);
    private readonly Pipe _toServer = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    private readonly Pipe _fromServer = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    private readonly Task _run;

    public FrameDeadlineTests()
    {
        var protocol = new BinaryProtocol(_repository, 1 << 20) { FrameTimeout = Timeout };
        _run = new BinaryConnection(new Duplex(_toServer.Reader, _fromServer.Writer), protocol).RunAsync(CancellationToken.None);
    }

    public void Dispose()
    {
        _toServer.Writer.Complete();
        _run.Wait(TimeSpan.FromSeconds(10));
        _repository.Dispose();
    }

    [Fact]
    public async Task Frames_that_each_span_reads_back_to_back_for_longer_than_the_timeout_are_all_answered()
    {
        const int Frames = 12; // 12 pauses of 300 ms: well over the 2 s timeout in all, each frame far under it
        byte[][] frames = [.. Enumerable.Range(1, Frames).Select(static id => Ping((ulong)id, 100))];
        await SendAsync(frames[0].AsMemory(0, 60));
        for (int i = 0; i < Frames; i++)
        {
            await Task.Delay(Pause);
            // The rest of this frame and the start of the next arrive together: the next frame's clock starts now.
            byte[] rest = [.. frames[i].AsSpan(60), .. i + 1 < Frames ? frames[i + 1].AsSpan(0, 60) : []];
            await SendAsync(rest);
        }

        for (ulong id = 1; id <= Frames; id++)
        {
            (FrameHeader header, _) = await ReadFrameAsync();
            Assert.Equal(FrameType.Pong, header.Type);
            Assert.Equal(id, header.RequestId);
        }

        Assert.False(_run.IsCompleted);
    }

    [Fact]
    public async Task A_frame_that_stalls_past_the_timeout_gets_an_error_frame_and_the_connection_closes()
    {
        byte[] frame = Ping(9, 100);
        await SendAsync(frame.AsMemory(0, 30)); // the header and some payload, then nothing

        (FrameHeader header, byte[] payload) = await ReadFrameAsync();
        Assert.Equal(FrameType.Error, header.Type);
        Assert.Equal(9UL, header.RequestId);
        Assert.Equal(400, BitConverter.ToUInt16(payload));
        Assert.Contains("(--frame-timeout-s); closing the connection.", Encoding.UTF8.GetString(payload, 6, payload.Length - 6));
        await _run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private static byte[] Ping(ulong id, int payloadLength)
    {
        byte[] frame = new byte[FrameHeader.Size + payloadLength];
        new FrameHeader((uint)payloadLength, FrameType.Ping, id).Write(frame);
        return frame;
    }

    private async Task SendAsync(ReadOnlyMemory<byte> bytes) => await _toServer.Writer.WriteAsync(bytes);

    private async Task<(FrameHeader Header, byte[] Payload)> ReadFrameAsync()
    {
        while (true)
        {
            ReadResult result = await _fromServer.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.Length >= FrameHeader.Size)
            {
                FrameHeader header = FrameHeader.Read(buffer.Slice(0, FrameHeader.Size).ToArray(), out _, out _);
                if (buffer.Length >= FrameHeader.Size + header.PayloadLength)
                {
                    byte[] payload = buffer.Slice(FrameHeader.Size, header.PayloadLength).ToArray();
                    _fromServer.Reader.AdvanceTo(buffer.Slice(FrameHeader.Size + header.PayloadLength).Start);
                    return (header, payload);
                }
            }

            _fromServer.Reader.AdvanceTo(buffer.Start, buffer.End);
            Assert.False(result.IsCompleted, "the server closed the connection");
        }
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
