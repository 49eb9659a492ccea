using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Aot.Client.Typed;

/// <summary>
/// The pieces of the binary protocol (docs/protocol.md) that generated typed clients write and read with their
/// model's names, element types and ranks as constants. Nothing here allocates except to report a malformed answer.
/// </summary>
public static class TypedWire
{
    /// <summary>Writes a little-endian <c>u16</c> at <paramref name="at"/> and advances it.</summary>
    /// <param name="destination">The frame being written.</param>
    /// <param name="at">Write position; advanced by 2.</param>
    /// <param name="value">The value (0–65535).</param>
    public static void WriteUInt16(Span<byte> destination, ref int at, int value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination[at..], checked((ushort)value));
        at += 2;
    }

    /// <summary>Writes one input of an InferRequest: name, data type, rank, dims, data length and the raw elements.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="destination">The frame being written.</param>
    /// <param name="at">Write position; advanced past the input.</param>
    /// <param name="nameUtf8">The input's name in the model, as UTF-8.</param>
    /// <param name="dataType">The ONNX <c>TensorProto.DataType</c> code.</param>
    /// <param name="shape">The shape.</param>
    /// <param name="data">The elements, row-major.</param>
    public static void WriteInput<T>(Span<byte> destination, ref int at, ReadOnlySpan<byte> nameUtf8, byte dataType, ReadOnlySpan<long> shape, ReadOnlySpan<T> data)
        where T : unmanaged
    {
        WriteUInt16(destination, ref at, nameUtf8.Length);
        nameUtf8.CopyTo(destination[at..]);
        at += nameUtf8.Length;
        destination[at++] = dataType;
        destination[at++] = checked((byte)shape.Length);
        foreach (long dim in shape)
        {
            BinaryPrimitives.WriteInt64LittleEndian(destination[at..], dim);
            at += 8;
        }

        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(data);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[at..], (ulong)bytes.Length);
        at += 8;
        bytes.CopyTo(destination[at..]);
        at += bytes.Length;
    }

    /// <summary>Reads an InferResponse's output count and checks it is the model's (all outputs are asked for).</summary>
    /// <param name="payload">The response payload.</param>
    /// <param name="at">Read position; advanced by 2.</param>
    /// <param name="expected">The model's number of outputs.</param>
    /// <exception cref="InvalidDataException">The server answered with another number of outputs.</exception>
    public static void ReadOutputCount(ReadOnlySpan<byte> payload, ref int at, int expected)
    {
        int count = ReadUInt16(payload, ref at);
        if (count != expected)
        {
            throw Malformed($"the response has {count} outputs; the model this client was generated for has {expected}");
        }
    }

    /// <summary>
    /// Reads one output of an InferResponse, checks its name and data type against the compiled ones, copies its
    /// shape into <paramref name="shape"/> (resized only if the rank changes) and locates its data in the payload.
    /// </summary>
    /// <param name="payload">The response payload.</param>
    /// <param name="at">Read position; advanced past the output.</param>
    /// <param name="nameUtf8">The expected output name, as UTF-8.</param>
    /// <param name="dataType">The expected ONNX data type code.</param>
    /// <param name="shape">Receives the output's shape.</param>
    /// <param name="offset">Offset of the data in <paramref name="payload"/>.</param>
    /// <param name="length">Bytes of data.</param>
    /// <exception cref="InvalidDataException">The output is not the one expected, or the payload is truncated.</exception>
    public static void ReadOutput(ReadOnlySpan<byte> payload, ref int at, ReadOnlySpan<byte> nameUtf8, byte dataType, ref long[] shape, out int offset, out int length)
    {
        int nameLength = ReadUInt16(payload, ref at);
        if (at + nameLength > payload.Length || !payload.Slice(at, nameLength).SequenceEqual(nameUtf8))
        {
            throw Malformed($"expected output '{Encoding.UTF8.GetString(nameUtf8)}' but the response has '{Encoding.UTF8.GetString(payload.Slice(at, Math.Min(nameLength, payload.Length - at)))}'");
        }

        at += nameLength;
        if (at + 2 > payload.Length)
        {
            throw Malformed("the response ends inside an output");
        }

        byte type = payload[at++];
        if (type != dataType)
        {
            throw Malformed($"output '{Encoding.UTF8.GetString(nameUtf8)}' has data type {type}; expected {dataType}");
        }

        int rank = payload[at++];
        if (shape.Length != rank)
        {
            shape = new long[rank];
        }

        for (int d = 0; d < rank; d++)
        {
            shape[d] = ReadInt64(payload, ref at);
        }

        long bytes = ReadInt64(payload, ref at);
        if (bytes < 0 || bytes > payload.Length - at)
        {
            throw Malformed($"output '{Encoding.UTF8.GetString(nameUtf8)}' declares {bytes} bytes but the response has {payload.Length - at} left");
        }

        offset = at;
        length = (int)bytes;
        at += length;
    }

    /// <summary>The elements of an output located by <see cref="ReadOutput"/>.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="payload">The response payload.</param>
    /// <param name="offset">Offset of the data.</param>
    /// <param name="length">Bytes of data.</param>
    /// <returns>A view of the payload.</returns>
    public static ReadOnlySpan<T> View<T>(ReadOnlySpan<byte> payload, int offset, int length)
        where T : unmanaged => MemoryMarshal.Cast<byte, T>(payload.Slice(offset, length));

    private static int ReadUInt16(ReadOnlySpan<byte> payload, ref int at)
    {
        if (at + 2 > payload.Length)
        {
            throw Malformed("the response is truncated");
        }

        int value = BinaryPrimitives.ReadUInt16LittleEndian(payload[at..]);
        at += 2;
        return value;
    }

    private static long ReadInt64(ReadOnlySpan<byte> payload, ref int at)
    {
        if (at + 8 > payload.Length)
        {
            throw Malformed("the response is truncated");
        }

        long value = BinaryPrimitives.ReadInt64LittleEndian(payload[at..]);
        at += 8;
        return value;
    }

    private static InvalidDataException Malformed(string what) => new($"Unexpected InferResponse: {what}.");
}
