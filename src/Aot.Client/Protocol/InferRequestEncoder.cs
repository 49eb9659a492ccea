using System.Buffers.Binary;
using System.Text;
using Aot.Protocol.Wire;

namespace Aot.Client.Protocol;

/// <summary>Encodes InferRequest frames (docs/protocol.md). Exposed so tools and tests can build frames by hand.</summary>
public static class InferRequestEncoder
{
    /// <summary>Bytes of the whole frame (header included).</summary>
    public static int GetFrameSize(string model, IReadOnlyList<InputTensor> inputs, IReadOnlyList<string>? outputs)
    {
        long size = FrameHeader.Size + 2 + Encoding.UTF8.GetByteCount(model) + 8 + 4 + 2;
        foreach (InputTensor input in inputs)
        {
            size += 2 + Encoding.UTF8.GetByteCount(input.Name) + 1 + 1 + (8L * input.Shape.Length) + 8 + input.Data.Length;
        }

        size += 2;
        foreach (string output in outputs ?? [])
        {
            size += 2 + Encoding.UTF8.GetByteCount(output);
        }

        return size - FrameHeader.Size > uint.MaxValue || size > Array.MaxLength
            ? throw new ArgumentException("The request is larger than one frame can carry.", nameof(inputs))
            : (int)size;
    }

    /// <summary>Writes the frame into <paramref name="destination"/> (at least <see cref="GetFrameSize"/> bytes); returns its length.</summary>
    public static int Write(Span<byte> destination, ulong requestId, string model, long version, uint timeoutMicros, IReadOnlyList<InputTensor> inputs, IReadOnlyList<string>? outputs)
    {
        int at = FrameHeader.Size;
        at += WriteName(destination[at..], model);
        BinaryPrimitives.WriteInt64LittleEndian(destination[at..], version);
        at += 8;
        BinaryPrimitives.WriteUInt32LittleEndian(destination[at..], timeoutMicros);
        at += 4;
        BinaryPrimitives.WriteUInt16LittleEndian(destination[at..], checked((ushort)inputs.Count));
        at += 2;
        foreach (InputTensor input in inputs)
        {
            at += WriteName(destination[at..], input.Name);
            destination[at++] = (byte)input.DataType;
            destination[at++] = checked((byte)input.Shape.Length);
            foreach (long d in input.Shape)
            {
                BinaryPrimitives.WriteInt64LittleEndian(destination[at..], d);
                at += 8;
            }

            BinaryPrimitives.WriteInt64LittleEndian(destination[at..], input.Data.Length);
            at += 8;
            input.Data.Span.CopyTo(destination[at..]);
            at += input.Data.Length;
        }

        BinaryPrimitives.WriteUInt16LittleEndian(destination[at..], checked((ushort)(outputs?.Count ?? 0)));
        at += 2;
        foreach (string output in outputs ?? [])
        {
            at += WriteName(destination[at..], output);
        }

        new FrameHeader((uint)(at - FrameHeader.Size), FrameType.InferRequest, requestId).Write(destination);
        return at;
    }

    /// <summary>Writes <c>u16 length | UTF-8 bytes</c>; returns the bytes written.</summary>
    public static int WriteName(Span<byte> destination, string name)
    {
        int length = Encoding.UTF8.GetBytes(name, destination[2..]);
        BinaryPrimitives.WriteUInt16LittleEndian(destination, checked((ushort)length));
        return 2 + length;
    }
}
