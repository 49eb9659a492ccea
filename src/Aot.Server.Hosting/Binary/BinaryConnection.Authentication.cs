using System.Buffers;
using System.Security.Cryptography;
using Aot.Protocol;
using Aot.Protocol.Wire;
using Aot.Server.Security;

namespace Aot.Server.Binary;

/// <summary>The API key check of a binary connection: an Authenticate frame before anything else (docs/protocol.md).</summary>
internal sealed partial class BinaryConnection
{
    /// <summary>
    /// Before a connection has authenticated only an Authenticate frame of a key's size is read; any other frame is
    /// refused at its header, so a client without the key cannot make the server run, answer or buffer anything.
    /// </summary>
    private bool AdmitsBeforeAuthentication(SequenceReader<byte> reader)
    {
        if (reader.Remaining < FrameHeader.Size)
        {
            return true; // the header is not here yet
        }

        Span<byte> headerBytes = stackalloc byte[FrameHeader.Size];
        reader.TryCopyTo(headerBytes);
        FrameHeader header = FrameHeader.Read(headerBytes, out _, out _);
        if (header.Type == FrameType.Authenticate && header.PayloadLength <= ApiKeys.MaxKeyBytes)
        {
            return true;
        }

        WriteError(header.RequestId, ErrorCode.Unauthenticated, header.Type == FrameType.Authenticate
            ? $"The Authenticate frame's key is longer than {ApiKeys.MaxKeyBytes} bytes; closing the connection."
            : "This server needs an API key: send an Authenticate frame first (docs/protocol.md); closing the connection.");
        return false;
    }

    /// <summary>Checks an Authenticate frame's key and answers Authenticated; false (error frame written) when it is not one of the keys.</summary>
    private bool Authenticate(ulong requestId, ReadOnlySequence<byte> payload)
    {
        if (_protocol.Keys is { } keys)
        {
            Span<byte> key = stackalloc byte[ApiKeys.MaxKeyBytes];
            bool accepted = payload.Length <= ApiKeys.MaxKeyBytes && Accepts(keys, payload, key);
            CryptographicOperations.ZeroMemory(key);
            if (!accepted)
            {
                _authenticated = false;
                WriteError(requestId, ErrorCode.Unauthenticated, "The API key is not valid; closing the connection.");
                return false;
            }
        }

        // A server without keys accepts the frame too, so a client configured with a key works against it.
        _authenticated = true;
        lock (Output.Gate)
        {
            ResponseFrames.WriteRaw(Output.Writer, FrameType.Authenticated, requestId, ReadOnlySequence<byte>.Empty);
            Output.FlushLocked();
        }

        return true;

        static bool Accepts(ApiKeys keys, ReadOnlySequence<byte> payload, Span<byte> scratch)
        {
            payload.CopyTo(scratch);
            return keys.Accepts(scratch[..(int)payload.Length]);
        }
    }
}
