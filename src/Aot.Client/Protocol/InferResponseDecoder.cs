using System.Buffers.Binary;
using System.Text;
using Aot.Protocol;
using Aot.Protocol.Wire;

namespace Aot.Client.Protocol;

/// <summary>Decodes InferResponse and Error payloads (docs/protocol.md).</summary>
public static class InferResponseDecoder
{
    /// <summary>Reads the outputs of an InferResponse payload held in <paramref name="buffer"/>[0..<paramref name="length"/>].</summary>
    public static IReadOnlyList<OutputTensor> ReadOutputs(byte[] buffer, int length)
    {
        ReadOnlySpan<byte> payload = buffer.AsSpan(0, length);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(payload);
        int at = 2;
        var outputs = new OutputTensor[count];
        for (int i = 0; i < count; i++)
        {
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(payload[at..]);
            string name = Encoding.UTF8.GetString(payload.Slice(at + 2, nameLength));
            at += 2 + nameLength;
            var type = (ElementType)payload[at++];
            int rank = payload[at++];
            var shape = new long[rank];
            for (int d = 0; d < rank; d++)
            {
                shape[d] = BinaryPrimitives.ReadInt64LittleEndian(payload[at..]);
                at += 8;
            }

            int dataLength = checked((int)BinaryPrimitives.ReadUInt64LittleEndian(payload[at..]));
            at += 8;
            outputs[i] = new OutputTensor(name, type, shape, buffer.AsMemory(at, dataLength));
            at += dataLength;
        }

        return outputs;
    }

    /// <summary>Reads an Error payload: the code and the message.</summary>
    public static (ErrorCode Code, string Message) ReadError(ReadOnlySpan<byte> payload)
    {
        ErrorCode code = WireErrorCodes.FromWire(BinaryPrimitives.ReadUInt16LittleEndian(payload));
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(payload[2..]);
        return (code, Encoding.UTF8.GetString(payload.Slice(6, length)));
    }
}
