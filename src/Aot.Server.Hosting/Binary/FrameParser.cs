using System.Buffers;
using Aot.Protocol.Wire;

namespace Aot.Server.Binary;

/// <summary>
/// Splits a connection's byte stream into frames. Holds the one piece of state that outlives a read: how many
/// bytes of a refused (oversized) frame are still to be skipped. Pure: it never sees a socket, only sequences,
/// so it is unit-tested on hand-made buffers split at every byte.
/// </summary>
internal sealed class FrameParser(long maxPayloadBytes)
{
    private long _skipRemaining;

    /// <summary>What the next call to <see cref="TryRead"/> produced.</summary>
    public enum Result
    {
        /// <summary>Not enough bytes for a whole frame (or the skip is not finished): read more.</summary>
        NeedMoreData,

        /// <summary>A whole frame: header and payload.</summary>
        Frame,

        /// <summary>A frame whose payload exceeds the limit: answer 413 for its request id; its bytes are being skipped.</summary>
        Oversized,

        /// <summary>Flags or reserved bytes are not zero: the stream is out of sync or not this protocol; close.</summary>
        Corrupt,
    }

    public long MaxPayloadBytes { get; } = maxPayloadBytes;

    /// <summary>True while bytes of a refused (oversized) frame are still to come.</summary>
    public bool IsSkipping => _skipRemaining > 0;

    /// <summary>Reads the next frame from <paramref name="reader"/>, advancing past what it consumed.</summary>
    public Result TryRead(ref SequenceReader<byte> reader, out FrameHeader header, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        header = default;
        if (_skipRemaining > 0)
        {
            long skip = Math.Min(_skipRemaining, reader.Remaining);
            reader.Advance(skip);
            _skipRemaining -= skip;
            if (_skipRemaining > 0)
            {
                return Result.NeedMoreData;
            }
        }

        if (reader.Remaining < FrameHeader.Size)
        {
            return Result.NeedMoreData;
        }

        Span<byte> headerBytes = stackalloc byte[FrameHeader.Size];
        reader.TryCopyTo(headerBytes);
        header = FrameHeader.Read(headerBytes, out byte flags, out ushort reserved);
        if (flags != 0 || reserved != 0)
        {
            return Result.Corrupt;
        }

        if (header.PayloadLength > MaxPayloadBytes)
        {
            reader.Advance(FrameHeader.Size);
            _skipRemaining = header.PayloadLength;
            long skip = Math.Min(_skipRemaining, reader.Remaining);
            reader.Advance(skip);
            _skipRemaining -= skip;
            return Result.Oversized;
        }

        if (reader.Remaining < FrameHeader.Size + header.PayloadLength)
        {
            return Result.NeedMoreData;
        }

        reader.Advance(FrameHeader.Size);
        payload = reader.UnreadSequence.Slice(0, header.PayloadLength);
        reader.Advance(header.PayloadLength);
        return Result.Frame;
    }
}
