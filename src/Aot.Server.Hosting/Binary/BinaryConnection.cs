using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Text.Json;
using Aot.Server.Batching;
using Aot.Server.Metrics;
using Aot.Server.Models;
using Microsoft.AspNetCore.Connections;
using Aot.Protocol;
using Aot.Protocol.Wire;

namespace Aot.Server.Binary;

/// <summary>
/// One binary-protocol connection. The read loop parses every complete frame in the buffer, hands inference
/// requests to their model's batcher (they are answered as they complete, in any order) and answers the rest
/// itself. When the client goes away its queued requests are dropped; on graceful shutdown the loop stops
/// reading and waits until every request in flight has been answered.
/// </summary>
internal sealed partial class BinaryConnection
{
    private readonly IDuplexPipe _transport;
    private readonly BinaryProtocol _protocol;
    private readonly FrameParser _parser;
    private readonly ConnectionRequests _requests;
    private bool _authenticated;

    public BinaryConnection(IDuplexPipe transport, BinaryProtocol protocol)
    {
        _transport = transport;
        _protocol = protocol;
        _authenticated = protocol.Keys is null;
        _parser = new FrameParser(protocol.MaxPayloadBytes);
        _requests = new ConnectionRequests(protocol.MaxInFlightPerConnection);
        Output = new ConnectionOutput(transport.Output);
    }

    /// <summary>What <see cref="ProcessFrames"/> stopped at.</summary>
    private enum ReadState
    {
        /// <summary>Every whole frame was handled: read more bytes.</summary>
        NeedMoreData,

        /// <summary>The connection has its maximum of requests in flight: wait for one to finish, then go on.</summary>
        AtCapacity,

        /// <summary>The stream is corrupt: close.</summary>
        Corrupt,

        /// <summary>The client did not authenticate: an error frame was written; close.</summary>
        Refused,
    }

    public ConnectionOutput Output { get; }

    /// <summary>True when the client is gone: queued requests of this connection are dropped, not run.</summary>
    public bool IsClosed => _requests.IsClientGone;

    /// <summary>Requests of this connection admitted and not yet answered.</summary>
    public int InFlight => _requests.InFlight;

    public async Task RunAsync(CancellationToken closeRequested)
    {
        PipeReader input = _transport.Input;
        using CancellationTokenRegistration stop = closeRequested.Register(static state => ((PipeReader)state!).CancelPendingRead(), input);
        using var deadline = new FrameDeadline(_protocol.FrameTimeout);
        ulong partialFrameId = 0;
        if (!_authenticated)
        {
            // The Authenticate frame is due within the timeout of connecting: idle connections without a key hold no slot.
            deadline.Start();
        }
        try
        {
            while (true)
            {
                ReadResult result;
                try
                {
                    result = await input.ReadAsync(deadline.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (deadline.Expired)
                {
                    string seconds = deadline.Timeout.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
                    WriteError(partialFrameId, _authenticated ? ErrorCode.BadRequest : ErrorCode.Unauthenticated, _authenticated
                        ? $"The frame was not complete {seconds} s after its first byte (--frame-timeout-s); closing the connection."
                        : $"No Authenticate frame within {seconds} s of connecting (--frame-timeout-s); closing the connection.");
                    _requests.ClientGone();
                    break;
                }

                ReadOnlySequence<byte> buffer = result.Buffer;
                ReadState state = ProcessFrames(buffer, out SequencePosition consumed);
                if (state == ReadState.AtCapacity && !result.IsCanceled && !result.IsCompleted)
                {
                    // Backpressure: leave the rest unread (examined = consumed, so the next read returns it at once)
                    // until a request of this connection finishes. Kestrel stops reading the socket once its input
                    // buffer is full, and TCP pushes back on the client. The server is not reading: no frame deadline.
                    deadline.Stop();
                    input.AdvanceTo(consumed);
                    await _requests.WaitForSlotAsync().ConfigureAwait(false);
                    continue;
                }

                // Bytes of a frame left over (or a refused frame still being skipped): its clock runs until it is whole.
                // A frame that completed in this read ends its clock, so the next one's counts from its own first bytes.
                ReadOnlySequence<byte> partial = buffer.Slice(consumed);
                if (_authenticated && !_parser.IsSkipping && (partial.IsEmpty || partial.Length < buffer.Length))
                {
                    deadline.Stop();
                }

                if (!partial.IsEmpty || _parser.IsSkipping)
                {
                    partialFrameId = PartialFrameId(partial);
                    deadline.Start();
                }

                input.AdvanceTo(consumed, buffer.End);
                if (result.IsCanceled)
                {
                    break; // graceful shutdown: answer what is in flight, read nothing new
                }

                if (state is ReadState.Corrupt or ReadState.Refused || result.IsCompleted)
                {
                    _requests.ClientGone();
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ObjectDisposedException or OperationCanceledException)
        {
            _requests.ClientGone();
        }

        try
        {
            await _requests.DrainAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Requests still running a minute on: close anyway so the connection is released; their answers, if they
            // ever come, find the output closed and are dropped (each request is still released and counted).
        }

        Output.Close();
        await input.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>Handles every whole frame in <paramref name="buffer"/> while the connection has room for more requests.</summary>
    private ReadState ProcessFrames(ReadOnlySequence<byte> buffer, out SequencePosition consumed)
    {
        var reader = new SequenceReader<byte>(buffer);
        ReadState state = ReadState.NeedMoreData;
        while (true)
        {
            if (_requests.IsFull && !reader.End)
            {
                state = ReadState.AtCapacity;
                break;
            }

            if (!_authenticated && !AdmitsBeforeAuthentication(reader))
            {
                state = ReadState.Refused;
                break;
            }

            FrameParser.Result result = _parser.TryRead(ref reader, out FrameHeader header, out ReadOnlySequence<byte> payload);
            if (result == FrameParser.Result.NeedMoreData)
            {
                break;
            }

            switch (result)
            {
                case FrameParser.Result.Frame when header.Type == FrameType.Authenticate:
                    if (Authenticate(header.RequestId, payload))
                    {
                        continue;
                    }

                    state = ReadState.Refused;
                    break;
                case FrameParser.Result.Frame:
                    // The last frame of what arrived is a lone request: it may run inline if the model is idle.
                    // Frames with more behind them are queued, so a pipelining client's requests batch.
                    HandleFrame(header, payload, lastInBuffer: reader.End);
                    continue;
                case FrameParser.Result.Oversized:
                    WriteError(header.RequestId, ErrorCode.PayloadTooLarge,
                        $"The frame's payload is {header.PayloadLength} bytes; the server accepts at most {_parser.MaxPayloadBytes} (--max-payload-bytes).");
                    continue;
                default:
                    WriteError(header.RequestId, ErrorCode.BadRequest, "Corrupt frame header (flags and reserved bytes must be zero); closing the connection.");
                    state = ReadState.Corrupt;
                    break;
            }

            break;
        }

        consumed = reader.Position;
        return state;
    }

    /// <summary>The request id of a partial frame once its header has arrived (for the timeout's error frame), else 0.</summary>
    private static ulong PartialFrameId(ReadOnlySequence<byte> partial)
    {
        if (partial.Length < FrameHeader.Size)
        {
            return 0;
        }

        Span<byte> headerBytes = stackalloc byte[FrameHeader.Size];
        partial.Slice(0, FrameHeader.Size).CopyTo(headerBytes);
        return FrameHeader.Read(headerBytes, out _, out _).RequestId;
    }

    private void HandleFrame(FrameHeader header, ReadOnlySequence<byte> payload, bool lastInBuffer)
    {
        switch (header.Type)
        {
            case FrameType.InferRequest:
                HandleInfer(header.RequestId, payload, lastInBuffer);
                break;
            case FrameType.Ping:
                lock (Output.Gate)
                {
                    ResponseFrames.WriteRaw(Output.Writer, FrameType.Pong, header.RequestId, payload);
                    Output.FlushLocked();
                }

                break;
            case FrameType.MetadataRequest:
                HandleMetadata(header.RequestId, payload);
                break;
            default:
                WriteError(header.RequestId, ErrorCode.BadRequest, $"Frame type {(byte)header.Type} is not a request this server accepts.");
                break;
        }
    }

    private void HandleInfer(ulong requestId, ReadOnlySequence<byte> payload, bool mayRunInline)
    {
        long received = Stopwatch.GetTimestamp();
        var reader = new SequenceReader<byte>(payload);
        ServedModel model;
        try
        {
            model = InferFrameReader.ReadModel(ref reader, _protocol.Repository, lease: true);
        }
        catch (InferenceException ex)
        {
            WriteError(requestId, ex.Code, ex.Message);
            return;
        }

        BinaryInferenceRequest request = _protocol.RentRequest(model);
        request.Begin(Output, _requests, requestId, received);
        _requests.Started();
        // A request that may run inline leaves its tensor bytes in the socket buffer: if it does run now, they are
        // copied once, straight into the runner's pinned input buffer; if not, into its own buffer before queueing.
        bool borrow = mayRunInline && model.Batcher.RunsLoneRequestsInline;
        try
        {
            InferFrameReader.ReadTensors(ref reader, request, borrow);
        }
        catch (InferenceException ex)
        {
            request.OnFailed(ex.Code, ex.Message);
            return;
        }

        model.Batcher.Submit(request, mayRunInline: borrow);
    }

    private void HandleMetadata(ulong requestId, ReadOnlySequence<byte> payload)
    {
        var reader = new SequenceReader<byte>(payload);
        var document = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(document))
        {
            // An empty model name (u16 length 0) asks for the server document.
            if (!reader.TryReadLittleEndian(out short nameLength) || nameLength == 0)
            {
                MetadataJson.WriteServer(json, _protocol.Repository);
            }
            else
            {
                ServedModel model;
                try
                {
                    reader.Rewind(2);
                    model = InferFrameReader.ReadModel(ref reader, _protocol.Repository);
                }
                catch (InferenceException ex)
                {
                    WriteError(requestId, ex.Code, ex.Message);
                    return;
                }

                MetadataJson.WriteModel(json, model, _protocol.Repository.Versions(model.Name));
            }
        }

        lock (Output.Gate)
        {
            ResponseFrames.WriteRaw(Output.Writer, FrameType.MetadataResponse, requestId, new ReadOnlySequence<byte>(document.WrittenMemory));
            Output.FlushLocked();
        }
    }

    private void WriteError(ulong requestId, ErrorCode code, string message)
    {
        lock (Output.Gate)
        {
            if (!Output.IsClosed)
            {
                ResponseFrames.WriteError(Output.Writer, requestId, code, message);
                Output.FlushLocked();
            }
        }
    }
}
