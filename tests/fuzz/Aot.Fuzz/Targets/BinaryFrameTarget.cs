using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text.Json;
using Aot.Protocol.Wire;
using Aot.Server.Batching;
using Aot.Server.Binary;
using Aot.Server.Metrics;
using Aot.Server.Models;

namespace Aot.Fuzz.Targets;

/// <summary>
/// The binary protocol's read path (docs/protocol.md): <see cref="FrameParser"/> splits the stream into frames, and
/// each InferRequest goes through <see cref="InferFrameReader"/> and the batcher's validation, each MetadataRequest
/// through the model lookup, as <c>BinaryConnection</c> does. Input: one byte that sets the size of the segments the
/// rest arrives in (as reads from a socket split it), then the byte stream a client sent.
/// Documented refusal: <see cref="InferenceException"/>, answered with an error frame.
/// </summary>
internal sealed class BinaryFrameTarget : FuzzTarget
{
    private const long MaxPayloadBytes = 1 << 20;

    private readonly BinaryProtocol _protocol = new(FuzzModels.Tensors, MaxPayloadBytes);
    private readonly ConnectionOutput _output = new(PipeWriter.Create(Stream.Null));
    private readonly ConnectionRequests _requests = new(BinaryProtocol.DefaultMaxInFlightPerConnection);

    public override string Name => "binary-frame";

    public override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return FuzzOutcome.Refused;
        }

        var parser = new FrameParser(MaxPayloadBytes);
        var reader = new SequenceReader<byte>(Segments.Split(input[1..].ToArray(), segmentLength: 1 + input[0]));
        FuzzOutcome outcome = FuzzOutcome.Refused;
        while (true)
        {
            switch (parser.TryRead(ref reader, out FrameHeader header, out ReadOnlySequence<byte> payload))
            {
                case FrameParser.Result.Frame:
                    if (Handle(header, payload))
                    {
                        outcome = FuzzOutcome.Accepted;
                    }

                    continue;
                case FrameParser.Result.Oversized:
                    continue;
                default: // NeedMoreData at the end of the input; Corrupt closes the connection
                    return outcome;
            }
        }
    }

    private bool Handle(FrameHeader header, ReadOnlySequence<byte> payload)
    {
        switch (header.Type)
        {
            case FrameType.InferRequest:
                return Infer(header.RequestId, payload);
            case FrameType.MetadataRequest:
                return Metadata(payload);
            case FrameType.Ping:
                lock (_output.Gate)
                {
                    ResponseFrames.WriteRaw(_output.Writer, FrameType.Pong, header.RequestId, payload);
                    _output.FlushLocked();
                }

                return true;
            default:
                return false;
        }
    }

    private bool Infer(ulong requestId, ReadOnlySequence<byte> payload)
    {
        var reader = new SequenceReader<byte>(payload);
        ServedModel model;
        try
        {
            model = InferFrameReader.ReadModel(ref reader, _protocol.Repository);
        }
        catch (InferenceException)
        {
            return false;
        }

        BinaryInferenceRequest request = _protocol.RentRequest(model);
        request.Begin(_output, _requests, requestId, Stopwatch.GetTimestamp());
        _requests.Started();
        // The read loop borrows a lone request's bytes from the receive buffer; the request id picks either path here.
        bool borrow = (requestId & 1) == 1;
        try
        {
            InferFrameReader.ReadTensors(ref reader, request, borrow);
            model.Batcher.Validate(request.Inputs);
        }
        catch (InferenceException ex)
        {
            request.OnFailed(ex.Code, ex.Message);
            return false;
        }

        // What DynamicBatcher.Submit does with a valid request before it runs or queues it.
        if (model.Batcher.Options.PadSequences)
        {
            request.PaddedLength = PaddedLength.Of(model.Signature, request);
        }

        request.MaterializeInputs();
        request.Release(RequestOutcome.Success);
        return true;
    }

    private bool Metadata(ReadOnlySequence<byte> payload)
    {
        var reader = new SequenceReader<byte>(payload);
        var document = new ArrayBufferWriter<byte>(1024);
        using var json = new Utf8JsonWriter(document);
        // An empty model name (u16 length 0) asks for the server document.
        if (!reader.TryReadLittleEndian(out short nameLength) || nameLength == 0)
        {
            MetadataJson.WriteServer(json, _protocol.Repository);
            return true;
        }

        reader.Rewind(2);
        ServedModel model;
        try
        {
            model = InferFrameReader.ReadModel(ref reader, _protocol.Repository);
        }
        catch (InferenceException)
        {
            return false;
        }

        MetadataJson.WriteModel(json, model, _protocol.Repository.Versions(model.Name));
        return true;
    }
}
