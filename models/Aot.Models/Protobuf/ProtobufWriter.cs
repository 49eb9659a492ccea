using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Aot.Generators.Onnx;

namespace Aot.Models.Protobuf;

/// <summary>
/// Writes the protobuf wire format (https://protobuf.dev/programming-guides/encoding/) to a stream, or, in
/// counting mode, only adds up the bytes it would write.
/// </summary>
/// <remarks>
/// A nested message is prefixed by its length, so <see cref="WriteMessage{T}"/> first runs the message's
/// writer in counting mode. Counting a <c>bytes</c> field costs O(1), so sizing a 100 MB initializer is free and
/// the tensor data is streamed straight to the output exactly once, never copied into intermediate buffers.
/// Fields are written exactly as called: choosing which fields to omit (proto3 defaults) is the caller's job.
/// </remarks>
internal sealed class ProtobufWriter
{
    private const int MaxVarintBytes = 10;
    private readonly Stream? _output;

    private ProtobufWriter(Stream? output) => _output = output;

    /// <summary>Bytes written (or counted) so far.</summary>
    public long Length { get; private set; }

    /// <summary>A writer that appends to <paramref name="output"/>.</summary>
    public static ProtobufWriter ToStream(Stream output) => new(output ?? throw new ArgumentNullException(nameof(output)));

    /// <summary>A writer that writes nothing and only counts bytes.</summary>
    public static ProtobufWriter Counting() => new(null);

    /// <summary>Size in bytes of <paramref name="value"/> encoded as a varint.</summary>
    public static int VarintSize(ulong value)
    {
        // 7 payload bits per byte; 0 still takes one byte.
        var bits = 64 - ulong.LeadingZeroCount(value | 1);
        return (int)((bits + 6) / 7);
    }

    /// <summary>Writes a field key: the field number and wire type packed into one varint.</summary>
    public void WriteTag(int fieldNumber, WireType wireType)
    {
        if (fieldNumber is < 1 or > 536_870_911)
            throw new ArgumentOutOfRangeException(nameof(fieldNumber), fieldNumber, "Protobuf field numbers are 1..2^29-1.");
        WriteVarint(((ulong)fieldNumber << 3) | (ulong)wireType);
    }

    /// <summary>Writes a bare base-128 varint (no tag).</summary>
    public void WriteVarint(ulong value)
    {
        Span<byte> buffer = stackalloc byte[MaxVarintBytes];
        var count = 0;
        while (value >= 0x80)
        {
            buffer[count++] = (byte)(value | 0x80);
            value >>= 7;
        }
        buffer[count++] = (byte)value;
        WriteRaw(buffer[..count]);
    }

    /// <summary>An <c>int64</c>/<c>uint64</c>/<c>enum</c> field; a negative value takes ten bytes, as protobuf specifies.</summary>
    public void WriteInt64(int fieldNumber, long value)
    {
        WriteTag(fieldNumber, WireType.Varint);
        WriteVarint(unchecked((ulong)value));
    }

    /// <summary>An <c>int32</c> field: sign-extended to 64 bits, so -1 is ten bytes (not zigzag: that is <c>sint32</c>).</summary>
    public void WriteInt32(int fieldNumber, int value) => WriteInt64(fieldNumber, value);

    /// <summary>A <c>uint64</c> field.</summary>
    public void WriteUInt64(int fieldNumber, ulong value)
    {
        WriteTag(fieldNumber, WireType.Varint);
        WriteVarint(value);
    }

    /// <summary>A <c>float</c> field: four little-endian bytes.</summary>
    public void WriteFloat(int fieldNumber, float value)
    {
        WriteTag(fieldNumber, WireType.Fixed32);
        Span<byte> buffer = stackalloc byte[sizeof(float)];
        BinaryPrimitives.WriteSingleLittleEndian(buffer, value);
        WriteRaw(buffer);
    }

    /// <summary>A <c>double</c> field: eight little-endian bytes.</summary>
    public void WriteDouble(int fieldNumber, double value)
    {
        WriteTag(fieldNumber, WireType.Fixed64);
        Span<byte> buffer = stackalloc byte[sizeof(double)];
        BinaryPrimitives.WriteDoubleLittleEndian(buffer, value);
        WriteRaw(buffer);
    }

    /// <summary>A <c>string</c> field, UTF-8 encoded.</summary>
    public void WriteString(int fieldNumber, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var byteCount = Encoding.UTF8.GetByteCount(value);
        var rented = ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            var written = Encoding.UTF8.GetBytes(value, rented);
            WriteBytes(fieldNumber, rented.AsSpan(0, written));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>A <c>bytes</c> field.</summary>
    public void WriteBytes(int fieldNumber, ReadOnlySpan<byte> value)
    {
        WriteTag(fieldNumber, WireType.LengthDelimited);
        WriteVarint((ulong)value.Length);
        WriteRaw(value);
    }

    /// <summary>
    /// An embedded message field: <paramref name="writeBody"/> writes the message's own fields. It is called twice,
    /// once to count the length prefix and once to write, so it must be a pure function of <paramref name="message"/>.
    /// Either way the work is linear in the message size: a counting writer sizes each nested message once.
    /// </summary>
    public void WriteMessage<T>(int fieldNumber, T message, Action<ProtobufWriter, T> writeBody)
    {
        ArgumentNullException.ThrowIfNull(writeBody);
        var counter = Counting();
        writeBody(counter, message);
        WriteTag(fieldNumber, WireType.LengthDelimited);
        WriteVarint((ulong)counter.Length);
        if (_output is null)
        {
            // Counting only: the body's size is known, so nested messages are sized once, not once per level.
            Length += counter.Length;
            return;
        }
        var start = Length;
        writeBody(this, message);
        if (Length - start != counter.Length)
            throw new InvalidOperationException($"A message writer wrote {Length - start} bytes after counting {counter.Length}; it must be deterministic.");
    }

    private void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        _output?.Write(bytes);
        Length += bytes.Length;
    }
}
