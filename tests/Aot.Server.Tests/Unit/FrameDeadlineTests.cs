using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Aot.Protocol.Wire;
using Aot.Server.Binary;
using Aot.Server.Models;
using Aot.Server.Security;

namespace Aot.Server.Tests.Unit;

/// <summary>
/// <c>--frame-timeout-s</c> on one binary connection over in-memory pipes: the clock of a frame runs from its own first
/// byte, so a client streaming frames that each span reads is never cut off, while one whose frame stalls is; with API
/// keys the Authenticate frame is due within the timeout of connecting.
/// </summary>
public sealed class FrameDeadlineTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(300);

    private readonly ModelRepository _repository = new([]);
    private readonly Pipe _toServer = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    private readonly Pipe _fromServer = new(new PipeOptions(pauseWriterThreshold: 0, useSynchronizationContext: false));
    private readonly string _folder = Directory.CreateTempSubdirectory("aot-deadline-").FullName;
    private Task _run = Task.CompletedTask;

    public void Dispose()
    {
        _toServer.Writer.Complete();
        _run.Wait(TimeSpan.FromSeconds(10));
        _repository.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Frames_that_each_span_reads_back_to_back_for_longer_than_the_timeout_are_all_answered()
    {
        Connect(keys: null);
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
        Connect(keys: null);
        byte[] frame = Ping(9, 100);
        await SendAsync(frame.AsMemory(0, 30)); // the header and some payload, then nothing

        (FrameHeader header, byte[] payload) = await ReadFrameAsync();
        Assert.Equal(FrameType.Error, header.Type);
        Assert.Equal(9UL, header.RequestId);
        Assert.Equal(400, BitConverter.ToUInt16(payload));
        Assert.Contains("(--frame-timeout-s); closing the connection.", Encoding.UTF8.GetString(payload, 6, payload.Length - 6));
        await _run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task With_keys_a_connection_that_sends_nothing_is_closed_with_an_auth_error()
    {
        ConnectWithKey("the-key");

        (FrameHeader header, byte[] payload) = await ReadFrameAsync();
        Assert.Equal(FrameType.Error, header.Type);
        Assert.Equal(0UL, header.RequestId);
        Assert.Equal(401, BitConverter.ToUInt16(payload));
        Assert.Equal("No Authenticate frame within 2 s of connecting (--frame-timeout-s); closing the connection.", Encoding.UTF8.GetString(payload, 6, payload.Length - 6));
        await _run.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task With_keys_an_authenticated_connection_may_then_stay_idle()
    {
        ConnectWithKey("the-key");
        byte[] key = Encoding.UTF8.GetBytes("the-key");
        byte[] authenticate = new byte[FrameHeader.Size + key.Length];
        new FrameHeader((uint)key.Length, FrameType.Authenticate, 5).Write(authenticate);
        key.CopyTo(authenticate, FrameHeader.Size);
        await SendAsync(authenticate);
        Assert.Equal(FrameType.Authenticated, (await ReadFrameAsync()).Header.Type);

        await Task.Delay(Timeout * 2); // idle between frames is not limited
        await SendAsync(Ping(6, 0));
        (FrameHeader pong, _) = await ReadFrameAsync();
        Assert.Equal(FrameType.Pong, pong.Type);
        Assert.Equal(6UL, pong.RequestId);
    }

    private void ConnectWithKey(string key)
    {
        string keyFile = Path.Combine(_folder, "keys");
        File.WriteAllText(keyFile, key + "\n");
        Connect(ApiKeys.Load(keyFile));
    }

    private void Connect(ApiKeys? keys)
    {
        var protocol = new BinaryProtocol(_repository, 1 << 20) { FrameTimeout = Timeout, Keys = keys };
        _run = new BinaryConnection(new Duplex(_toServer.Reader, _fromServer.Writer), protocol).RunAsync(CancellationToken.None);
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
