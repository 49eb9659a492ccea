using Aot.Fuzz;
using Aot.Client.Protocol;
using System.Buffers;
using Aot.Client;
using Aot.Server.Binary;
using Aot.Protocol.Wire;

namespace Aot.Server.Tests.Unit;

public class FrameParserTests
{
    private static byte[] Frame(FrameType type, ulong id, byte[] payload)
    {
        var bytes = new byte[FrameHeader.Size + payload.Length];
        new FrameHeader((uint)payload.Length, type, id).Write(bytes);
        payload.CopyTo(bytes, FrameHeader.Size);
        return bytes;
    }

    private static List<(FrameParser.Result Result, FrameHeader Header, byte[] Payload)> ParseAll(FrameParser parser, ReadOnlySequence<byte> buffer, out long consumed)
    {
        var frames = new List<(FrameParser.Result, FrameHeader, byte[])>();
        var reader = new SequenceReader<byte>(buffer);
        while (true)
        {
            FrameParser.Result result = parser.TryRead(ref reader, out FrameHeader header, out ReadOnlySequence<byte> payload);
            if (result == FrameParser.Result.NeedMoreData)
            {
                break;
            }

            frames.Add((result, header, payload.ToArray()));
            if (result == FrameParser.Result.Corrupt)
            {
                break;
            }
        }

        consumed = reader.Consumed;
        return frames;
    }

    [Fact]
    public void Reads_several_frames_from_one_buffer()
    {
        byte[] stream = [.. Frame(FrameType.Ping, 1, [1, 2, 3]), .. Frame(FrameType.Ping, 2, []), .. Frame(FrameType.InferRequest, 3, [9])];
        var frames = ParseAll(new FrameParser(1024), new ReadOnlySequence<byte>(stream), out long consumed);
        Assert.Equal(3, frames.Count);
        Assert.Equal(new ulong[] { 1, 2, 3 }, frames.Select(f => f.Header.RequestId));
        Assert.Equal(new byte[] { 1, 2, 3 }, frames[0].Payload);
        Assert.Equal(FrameType.InferRequest, frames[2].Header.Type);
        Assert.Equal(stream.Length, consumed);
    }

    [Fact]
    public void A_frame_split_at_every_byte_is_read_once_whole()
    {
        byte[] frame = Frame(FrameType.Ping, 42, [.. Enumerable.Range(0, 40).Select(i => (byte)i)]);
        for (int split = 0; split < frame.Length; split++)
        {
            var parser = new FrameParser(1024);
            var first = ParseAll(parser, new ReadOnlySequence<byte>(frame, 0, split), out long consumed);
            Assert.Empty(first);
            Assert.Equal(0, consumed);
            var whole = ParseAll(parser, Segments.SplitAt(frame, split), out consumed);
            Assert.Single(whole);
            Assert.Equal(42UL, whole[0].Header.RequestId);
            Assert.Equal(frame.AsSpan(FrameHeader.Size).ToArray(), whole[0].Payload);
        }
    }

    [Fact]
    public void Oversized_frame_is_reported_and_skipped_across_reads()
    {
        byte[] big = Frame(FrameType.InferRequest, 7, new byte[100]);
        byte[] next = Frame(FrameType.Ping, 8, [5]);
        var parser = new FrameParser(maxPayloadBytes: 50);

        // First read: header and part of the payload.
        var frames = ParseAll(parser, new ReadOnlySequence<byte>(big, 0, 60), out long consumed);
        Assert.Equal(FrameParser.Result.Oversized, Assert.Single(frames).Result);
        Assert.Equal(7UL, frames[0].Header.RequestId);
        Assert.Equal(60, consumed);

        // Second read: the rest of the oversized payload, then a normal frame.
        byte[] rest = [.. big.AsSpan(60).ToArray(), .. next];
        frames = ParseAll(parser, new ReadOnlySequence<byte>(rest), out consumed);
        Assert.Equal(FrameParser.Result.Frame, Assert.Single(frames).Result);
        Assert.Equal(8UL, frames[0].Header.RequestId);
        Assert.Equal(rest.Length, consumed);
    }

    [Fact]
    public void Non_zero_flags_mean_a_corrupt_stream()
    {
        byte[] frame = Frame(FrameType.Ping, 1, []);
        frame[5] = 1;
        var frames = ParseAll(new FrameParser(1024), new ReadOnlySequence<byte>(frame), out _);
        Assert.Equal(FrameParser.Result.Corrupt, Assert.Single(frames).Result);
    }

    [Fact]
    public void Encoder_output_parses_back_into_the_same_header()
    {
        InputTensor input = InputTensor.Create("x", [1, 3], new[] { 1f, 2f, 3f });
        int size = InferRequestEncoder.GetFrameSize("m", [input], ["y"]);
        var buffer = new byte[size];
        int written = InferRequestEncoder.Write(buffer, 99, "m", 0, 0, [input], ["y"]);
        Assert.Equal(size, written);
        var frames = ParseAll(new FrameParser(1 << 20), new ReadOnlySequence<byte>(buffer), out _);
        Assert.Equal(99UL, Assert.Single(frames).Header.RequestId);
        Assert.Equal(size - FrameHeader.Size, frames[0].Payload.Length);
    }
}
