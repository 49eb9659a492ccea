using System.Buffers.Binary;

namespace Aot.Protocol.Wire;

/// <summary>
/// The fixed 16-byte header that starts every frame, in both directions:
/// <c>u32 payload_length | u8 type | u8 flags | u16 reserved | u64 request_id</c>, little-endian.
/// </summary>
/// <param name="PayloadLength">Bytes of payload after the header.</param>
/// <param name="Type">What the payload holds.</param>
/// <param name="RequestId">Chosen by the client, echoed by the server; ties a response to its request.</param>
public readonly record struct FrameHeader(uint PayloadLength, FrameType Type, ulong RequestId)
{
    /// <summary>Size of the header on the wire.</summary>
    public const int Size = 16;

    /// <summary>Writes the header into the first <see cref="Size"/> bytes of <paramref name="destination"/>.</summary>
    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, PayloadLength);
        destination[4] = (byte)Type;
        destination[5] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], RequestId);
    }

    /// <summary>Reads a header from the first <see cref="Size"/> bytes of <paramref name="source"/>.</summary>
    /// <remarks>Flags and reserved bytes are returned raw so the reader can reject non-zero values.</remarks>
    public static FrameHeader Read(ReadOnlySpan<byte> source, out byte flags, out ushort reserved)
    {
        flags = source[5];
        reserved = BinaryPrimitives.ReadUInt16LittleEndian(source[6..]);
        return new FrameHeader(
            BinaryPrimitives.ReadUInt32LittleEndian(source),
            (FrameType)source[4],
            BinaryPrimitives.ReadUInt64LittleEndian(source[8..]));
    }
}
