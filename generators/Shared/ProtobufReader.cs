using System;
using System.IO;
using System.Text;

namespace Aot.Generators.Onnx;

/// <summary>
/// A forward-only Protocol Buffers wire reader over a stream that skips what it does not need by seeking over it.
/// </summary>
/// <remarks>
/// An ONNX model is one ModelProto whose weights sit inline (TensorProto.raw_data) between the small fields we
/// want. Length prefixes let us jump over every weight, node and subgraph without reading it, so the bytes read
/// are proportional to the metadata, not to the model. Reads start small after each jump (the next thing is often
/// a short name followed by another jump) and double while the reader stays sequential.
/// Every malformed input ends in an <see cref="OnnxFormatException"/> that says where; nothing here trusts a length
/// enough to allocate it.
/// </remarks>
internal sealed class ProtobufReader
{
    private const int MinimumChunk = 256;
    private const int MaximumChunk = 16 * 1024;

    private readonly Stream _stream;
    private readonly long _origin;
    private readonly byte[] _buffer = new byte[MaximumChunk];
    private long _bufferStart; // offset (from the origin) of _buffer[0]
    private int _count;        // valid bytes in _buffer
    private int _offset;       // next byte to read in _buffer
    private int _chunk = MinimumChunk;

    public ProtobufReader(Stream stream)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _origin = stream.CanSeek ? stream.Position : 0;
        Length = stream.CanSeek ? stream.Length - _origin : long.MaxValue;
    }

    /// <summary>Bytes in the message, or <see cref="long.MaxValue"/> when the stream cannot tell.</summary>
    public long Length { get; }

    /// <summary>Offset of the next byte, from where the stream was when the reader was created.</summary>
    public long Position => _bufferStart + _offset;

    /// <summary>True when the first bytes of the stream are <paramref name="prefix"/>; reads at most its length.</summary>
    public bool StartsWith(byte[] prefix)
    {
        if (Position != 0 || !TryEnsureAvailable(prefix.Length))
        {
            return false;
        }

        for (int i = 0; i < prefix.Length; i++)
        {
            if (_buffer[_offset + i] != prefix[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads the next field key, or returns false at <paramref name="end"/> (or at the end of an unsized stream).</summary>
    public bool TryReadTag(long end, out int field, out WireType wireType)
    {
        field = 0;
        wireType = default;
        if (Position >= end || (end == long.MaxValue && !TryEnsureAvailable(1)))
        {
            return false;
        }

        long at = Position;
        ulong key = ReadVarint(end);
        ulong number = key >> 3;
        if (number == 0 || number > int.MaxValue)
        {
            throw new OnnxFormatException(Invariant($"invalid field number {number} at offset {at}"));
        }

        field = (int)number;
        wireType = (WireType)(key & 7);
        return true;
    }

    public ulong ReadVarint(long end)
    {
        long at = Position;
        ulong result = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (Position >= end)
            {
                throw Truncated(at, "a number");
            }

            byte b = ReadByte();
            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new OnnxFormatException(Invariant($"malformed varint at offset {at}"));
    }

    /// <summary>An int64 field; protobuf writes negative values as ten-byte two's complement varints.</summary>
    public long ReadInt64(long end) => unchecked((long)ReadVarint(end));

    /// <summary>An int32/enum field (sign-extended on the wire like int64).</summary>
    public int ReadInt32(long end) => unchecked((int)(long)ReadVarint(end));

    /// <summary>Reads a length prefix and returns where the payload ends; the payload must fit in <paramref name="end"/>.</summary>
    public long ReadLengthPrefix(long end)
    {
        long at = Position;
        ulong length = ReadVarint(end);
        long available = Math.Min(end, Length) - Position;
        if (length > (ulong)available)
        {
            throw new OnnxFormatException(Invariant(
                $"truncated or corrupt: the field at offset {at} declares {length} bytes but only {available} remain"));
        }

        return Position + (long)length;
    }

    /// <summary>
    /// Reads a length-delimited UTF-8 string. Past <paramref name="maxBytes"/> the text is cut when
    /// <paramref name="truncate"/> (doc strings), and is an error otherwise (names).
    /// </summary>
    public string ReadString(long end, int maxBytes, bool truncate)
    {
        long at = Position;
        long stringEnd = ReadLengthPrefix(end);
        long length = stringEnd - Position;
        if (length > maxBytes && !truncate)
        {
            throw new OnnxFormatException(Invariant($"the string at offset {at} is {length} bytes long; at most {maxBytes} are allowed here"));
        }

        int take = (int)Math.Min(length, maxBytes);
        string text;
        if (take <= _buffer.Length)
        {
            EnsureAvailable(take);
            text = Encoding.UTF8.GetString(_buffer, _offset, take);
            _offset += take;
        }
        else
        {
            byte[] bytes = new byte[take];
            ReadExactly(bytes);
            text = Encoding.UTF8.GetString(bytes);
        }

        Seek(stringEnd);
        return text;
    }

    /// <summary>Skips one field's value, seeking over length-delimited payloads.</summary>
    public void SkipField(WireType wireType, long end)
    {
        long at = Position;
        switch (wireType)
        {
            case WireType.Varint:
                _ = ReadVarint(end);
                break;
            case WireType.Fixed64:
                SkipBytes(8, end, at);
                break;
            case WireType.Fixed32:
                SkipBytes(4, end, at);
                break;
            case WireType.LengthDelimited:
                Seek(ReadLengthPrefix(end));
                break;
            default:
                // Groups (3, 4) are deprecated and never used by ONNX; 6 and 7 do not exist.
                throw new OnnxFormatException(Invariant($"unsupported wire type {(int)wireType} at offset {at}"));
        }
    }

    /// <summary>Moves to <paramref name="position"/>: inside the buffer if possible, else by seeking (or reading and dropping).</summary>
    public void Seek(long position)
    {
        if (position >= _bufferStart && position <= _bufferStart + _count)
        {
            _offset = (int)(position - _bufferStart);
            return;
        }

        if (position > Length)
        {
            throw Truncated(Position, "data");
        }

        if (_stream.CanSeek)
        {
            _stream.Position = _origin + position;
        }
        else
        {
            long skip = position - (_bufferStart + _count);
            if (skip < 0)
            {
                throw new InvalidOperationException("A non-seekable stream can only move forward.");
            }

            while (skip > 0)
            {
                int read = _stream.Read(_buffer, 0, (int)Math.Min(skip, _buffer.Length));
                if (read == 0)
                {
                    throw Truncated(position - skip, "data");
                }

                skip -= read;
            }
        }

        _bufferStart = position;
        _count = 0;
        _offset = 0;
        _chunk = MinimumChunk;
    }

    private void SkipBytes(int count, long end, long at)
    {
        if (Math.Min(end, Length) - Position < count)
        {
            throw Truncated(at, "a fixed-size value");
        }

        Seek(Position + count);
    }

    private byte ReadByte()
    {
        if (_offset == _count)
        {
            EnsureAvailable(1);
        }

        return _buffer[_offset++];
    }

    private void ReadExactly(byte[] destination)
    {
        long start = Position;
        int copied = Math.Min(_count - _offset, destination.Length);
        Buffer.BlockCopy(_buffer, _offset, destination, 0, copied);
        _offset += copied;
        if (copied == destination.Length)
        {
            return;
        }

        // The buffer is used up and the stream sits right after it: read the rest straight into the destination.
        while (copied < destination.Length)
        {
            int read = _stream.Read(destination, copied, destination.Length - copied);
            if (read == 0)
            {
                throw Truncated(start + copied, "a string");
            }

            copied += read;
        }

        _bufferStart = start + destination.Length;
        _count = 0;
        _offset = 0;
    }

    private void EnsureAvailable(int needed)
    {
        if (!TryEnsureAvailable(needed))
        {
            throw Truncated(_bufferStart + _count, "data");
        }
    }

    private bool TryEnsureAvailable(int needed)
    {
        int available = _count - _offset;
        if (available >= needed)
        {
            return true;
        }

        // Keep the unread tail, then read at least what is needed and, while sequential, a growing chunk more.
        Buffer.BlockCopy(_buffer, _offset, _buffer, 0, available);
        _bufferStart += _offset;
        _offset = 0;
        _count = available;

        long left = Length - (_bufferStart + _count);
        int target = (int)Math.Min(Math.Max(needed, _chunk), Math.Min((long)_buffer.Length, _count + left));
        while (_count < needed)
        {
            int read = _stream.Read(_buffer, _count, Math.Max(target - _count, needed - _count));
            if (read == 0)
            {
                return false;
            }

            _count += read;
        }

        _chunk = Math.Min(_chunk * 2, MaximumChunk);
        return true;
    }

    private static OnnxFormatException Truncated(long at, string what) =>
        new(Invariant($"unexpected end of file at offset {at} while reading {what} (the file is truncated or corrupt)"));

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
