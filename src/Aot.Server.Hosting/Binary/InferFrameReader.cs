using System.Buffers;
using System.Diagnostics;
using System.Text;
using Aot.Server.Batching;
using Aot.Server.Models;
using Aot.Protocol;

namespace Aot.Server.Binary;

/// <summary>
/// Reads the payload of an InferRequest frame (docs/protocol.md) into a pooled <see cref="BinaryInferenceRequest"/>:
/// tensor bytes are copied once, from the socket buffer into the request's buffer — or, for a request about to run
/// inline, not at all: the batch copies them straight from the socket buffer into the runner's pinned buffer. Malformed or mismatching
/// payloads throw <see cref="InferenceException"/> (400 / 404) naming what is wrong.
/// </summary>
internal static class InferFrameReader
{
    private const int MaxNameBytes = 1024;

    /// <summary>
    /// Reads the model name and version and finds the model; with <paramref name="lease"/>, takes a lease on it that the
    /// request ends. The reader is left at the timeout field.
    /// </summary>
    public static ServedModel ReadModel(ref SequenceReader<byte> reader, ModelRepository repository, bool lease = false)
    {
        Span<byte> nameScratch = stackalloc byte[MaxNameBytes];
        ReadOnlySpan<byte> name = nameScratch[..ReadName(ref reader, nameScratch, "model name")];
        long version = ReadInt64(ref reader, "model version");
        return (lease ? repository.Lease(name, version) : repository.Find(name, version))
            ?? throw InferenceException.NotFound(version == 0
                ? $"Unknown model '{Encoding.UTF8.GetString(name)}'."
                : $"Unknown model '{Encoding.UTF8.GetString(name)}' version {version}.");
    }

    /// <summary>Reads timeout, inputs and requested outputs into <paramref name="request"/> (the batcher validates them).</summary>
    /// <param name="reader">Positioned at the timeout field.</param>
    /// <param name="request">The request to fill.</param>
    /// <param name="borrow">
    /// Point fixed-size inputs at the frame's bytes instead of copying them (the caller runs the request before the
    /// frame is consumed, or <see cref="DynamicBatcher.Submit"/> copies them before queueing).
    /// </param>
    public static void ReadTensors(ref SequenceReader<byte> reader, InferenceRequest request, bool borrow = false)
    {
        ServingSignature signature = request.Signature;
        uint timeoutMicros = (uint)ReadInt32(ref reader, "timeout");
        if (timeoutMicros != 0)
        {
            request.DeadlineAt = request.ReceivedAt + (long)(timeoutMicros * (Stopwatch.Frequency / 1e6));
        }

        int inputCount = ReadUInt16(ref reader, "input count");
        Span<byte> nameScratch = stackalloc byte[MaxNameBytes];
        for (int i = 0; i < inputCount; i++)
        {
            ReadOnlySpan<byte> name = nameScratch[..ReadName(ref reader, nameScratch, "input name")];
            ServingTensor input = signature.FindInput(name)
                ?? throw InferenceException.BadRequest($"The model has no input named '{Encoding.UTF8.GetString(name)}'; its inputs are: {string.Join(", ", signature.Inputs.Select(static x => x.Name))}.");
            TensorBuffer tensor = request.Inputs[input.Index];
            if (tensor.IsSet)
            {
                throw InferenceException.BadRequest($"Input '{input.Name}' is given twice.");
            }

            byte dataType = ReadByte(ref reader, "data type");
            if (dataType != (byte)input.ElementType)
            {
                throw InferenceException.BadRequest($"Input '{input.Name}' expects datatype {input.DataTypeName} ({(byte)input.ElementType}) but got type code {dataType}.");
            }

            int rank = ReadByte(ref reader, "rank");
            if (rank != input.Rank)
            {
                throw InferenceException.BadRequest($"Input '{input.Name}' expects rank {input.Rank} {input.Info.ShapeText} but got rank {rank}.");
            }

            for (int d = 0; d < rank; d++)
            {
                tensor.Shape[d] = ReadInt64(ref reader, "dimension");
            }

            long length = ReadInt64(ref reader, "data length");
            if (length < 0 || length > reader.Remaining)
            {
                throw InferenceException.BadRequest($"Input '{input.Name}' declares {(ulong)length} data bytes but the frame has {reader.Remaining} left.");
            }

            if (borrow && !input.IsString)
            {
                tensor.Borrow(reader.UnreadSequence.Slice(0, length));
            }
            else
            {
                reader.TryCopyTo(tensor.Allocate((int)length));
            }

            reader.Advance(length);
            tensor.IsSet = true;
        }

        int outputCount = ReadUInt16(ref reader, "output count");
        if (outputCount == 0)
        {
            request.SelectAllOutputs();
        }

        for (int o = 0; o < outputCount; o++)
        {
            ReadOnlySpan<byte> name = nameScratch[..ReadName(ref reader, nameScratch, "output name")];
            ServingTensor output = signature.FindOutput(name)
                ?? throw InferenceException.BadRequest($"The model has no output named '{Encoding.UTF8.GetString(name)}'; its outputs are: {string.Join(", ", signature.Outputs.Select(static x => x.Name))}.");
            request.SelectedOutputs[output.Index] = true;
        }

        if (reader.Remaining != 0)
        {
            throw InferenceException.BadRequest($"The InferRequest payload has {reader.Remaining} bytes after its last field.");
        }
    }

    /// <summary>Copies a <c>u16 length | UTF-8 bytes</c> name into <paramref name="scratch"/>; returns its length.</summary>
    private static int ReadName(ref SequenceReader<byte> reader, scoped Span<byte> scratch, string what)
    {
        // (The failure message is built only on failure: this runs for every name of every request.)
        int length = reader.TryReadLittleEndian(out short raw) ? (ushort)raw : throw Truncated(what + " length");
        if (length > scratch.Length)
        {
            throw InferenceException.BadRequest($"The {what} is {length} bytes long; at most {scratch.Length} are allowed.");
        }

        if (!reader.TryCopyTo(scratch[..length]))
        {
            throw Truncated(what);
        }

        reader.Advance(length);
        return length;
    }

    private static byte ReadByte(ref SequenceReader<byte> reader, string what) => reader.TryRead(out byte value) ? value : throw Truncated(what);

    private static ushort ReadUInt16(ref SequenceReader<byte> reader, string what) =>
        reader.TryReadLittleEndian(out short value) ? (ushort)value : throw Truncated(what);

    private static int ReadInt32(ref SequenceReader<byte> reader, string what) =>
        reader.TryReadLittleEndian(out int value) ? value : throw Truncated(what);

    private static long ReadInt64(ref SequenceReader<byte> reader, string what) =>
        reader.TryReadLittleEndian(out long value) ? value : throw Truncated(what);

    private static InferenceException Truncated(string what) => InferenceException.BadRequest($"The frame ends before its {what}.");
}
