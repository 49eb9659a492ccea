using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Aot.Server.Batching;
using Aot.Protocol;
using Aot.Protocol.Wire;

namespace Aot.Server.Binary;

/// <summary>Writes server → client frames (docs/protocol.md) into a buffer writer.</summary>
internal static class ResponseFrames
{
    /// <summary>
    /// Writes an InferResponse with the request's selected outputs. Tensor bytes go from the runner's output
    /// buffers straight into the writer (trimmed through a rented buffer only when the batch was padded).
    /// Returns false, writing nothing, when the response would exceed the 4 GiB frame limit.
    /// </summary>
    public static bool TryWriteInferResponse(IBufferWriter<byte> writer, ulong requestId, InferenceRequest request, in InferenceResult result)
    {
        Models.ServingTensor[] outputs = request.Signature.Outputs;
        long payload = 2;
        int count = 0;
        for (int o = 0; o < outputs.Length; o++)
        {
            if (request.SelectedOutputs[o])
            {
                payload += OutputHeaderSize(outputs[o]) + result.GetByteCount(o);
                count++;
            }
        }

        if (payload > uint.MaxValue)
        {
            return false;
        }

        Span<long> shapeScratch = stackalloc long[MaxRank];
        Span<byte> head = writer.GetSpan(FrameHeader.Size + 2);
        new FrameHeader((uint)payload, FrameType.InferResponse, requestId).Write(head);
        BinaryPrimitives.WriteUInt16LittleEndian(head[FrameHeader.Size..], (ushort)count);
        writer.Advance(FrameHeader.Size + 2);

        for (int o = 0; o < outputs.Length; o++)
        {
            if (!request.SelectedOutputs[o])
            {
                continue;
            }

            Models.ServingTensor output = outputs[o];
            int rank = result.GetRank(o);
            Span<long> shape = shapeScratch[..rank];
            result.GetShape(o, shape);
            long bytes = output.IsString ? result.GetByteCount(o) : TensorCopy.ByteCount(shape, output.ElementSize);

            int headerSize = OutputHeaderSize(output);
            Span<byte> span = writer.GetSpan(headerSize);
            int at = 0;
            BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)output.Utf8Name.Length);
            at += 2;
            output.Utf8Name.CopyTo(span[at..]);
            at += output.Utf8Name.Length;
            span[at++] = (byte)output.ElementType;
            span[at++] = (byte)rank;
            foreach (long d in shape)
            {
                BinaryPrimitives.WriteInt64LittleEndian(span[at..], d);
                at += 8;
            }

            BinaryPrimitives.WriteUInt64LittleEndian(span[at..], (ulong)bytes);
            writer.Advance(headerSize);

            if (result.TryGetContiguous(o, shape, out ReadOnlySpan<byte> data))
            {
                writer.Write(data);
            }
            else
            {
                byte[] trimmed = ArrayPool<byte>.Shared.Rent((int)bytes);
                result.CopyTo(o, trimmed.AsSpan(0, (int)bytes));
                writer.Write(trimmed.AsSpan(0, (int)bytes));
                ArrayPool<byte>.Shared.Return(trimmed);
            }
        }

        return true;
    }

    /// <summary>Writes an Error frame: <c>u16 code | u32 message_length | message (UTF-8)</c>.</summary>
    public static void WriteError(IBufferWriter<byte> writer, ulong requestId, ErrorCode code, string message)
    {
        int messageBytes = Encoding.UTF8.GetByteCount(message);
        int payload = 6 + messageBytes;
        Span<byte> span = writer.GetSpan(FrameHeader.Size + payload);
        new FrameHeader((uint)payload, FrameType.Error, requestId).Write(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[FrameHeader.Size..], WireErrorCodes.ToWire(code));
        BinaryPrimitives.WriteUInt32LittleEndian(span[(FrameHeader.Size + 2)..], (uint)messageBytes);
        Encoding.UTF8.GetBytes(message, span[(FrameHeader.Size + 6)..]);
        writer.Advance(FrameHeader.Size + payload);
    }

    /// <summary>Writes a frame whose payload is copied from <paramref name="payload"/> (Pong, MetadataResponse).</summary>
    public static void WriteRaw(IBufferWriter<byte> writer, FrameType type, ulong requestId, in ReadOnlySequence<byte> payload)
    {
        Span<byte> head = writer.GetSpan(FrameHeader.Size);
        new FrameHeader((uint)payload.Length, type, requestId).Write(head);
        writer.Advance(FrameHeader.Size);
        foreach (ReadOnlyMemory<byte> segment in payload)
        {
            writer.Write(segment.Span);
        }
    }

    /// <summary>Ranks above this do not occur in real models; the frame format allows 255.</summary>
    private const int MaxRank = 64;

    private static int OutputHeaderSize(Models.ServingTensor output) => 2 + output.Utf8Name.Length + 1 + 1 + (8 * output.Rank) + 8;
}
