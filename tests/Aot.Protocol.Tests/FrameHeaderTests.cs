using Aot.Protocol.Wire;

namespace Aot.Protocol.Tests;

public class FrameHeaderTests
{
    [Fact]
    public void Header_is_sixteen_little_endian_bytes()
    {
        Span<byte> bytes = stackalloc byte[FrameHeader.Size];
        bytes.Fill(0xFF);
        new FrameHeader(0x0403_0201, FrameType.Error, 0x0C0B_0A09_0807_0605).Write(bytes);

        Assert.Equal(
            new byte[] { 0x01, 0x02, 0x03, 0x04, 3, 0, 0, 0, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C },
            bytes.ToArray());
    }

    [Fact]
    public void Read_returns_what_write_wrote()
    {
        var header = new FrameHeader(uint.MaxValue, FrameType.InferResponse, ulong.MaxValue - 1);
        byte[] bytes = new byte[FrameHeader.Size + 3];
        header.Write(bytes);

        Assert.Equal(header, FrameHeader.Read(bytes, out byte flags, out ushort reserved));
        Assert.Equal(0, flags);
        Assert.Equal(0, reserved);
    }

    [Fact]
    public void Read_hands_back_flags_and_reserved_bytes_for_the_caller_to_reject()
    {
        byte[] bytes = new byte[FrameHeader.Size];
        new FrameHeader(0, FrameType.Ping, 7).Write(bytes);
        bytes[5] = 0x80;
        bytes[6] = 0x01;
        bytes[7] = 0x02;

        FrameHeader header = FrameHeader.Read(bytes, out byte flags, out ushort reserved);

        Assert.Equal(FrameType.Ping, header.Type);
        Assert.Equal(7UL, header.RequestId);
        Assert.Equal(0x80, flags);
        Assert.Equal(0x0201, reserved);
    }
}
