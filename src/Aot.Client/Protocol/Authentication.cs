using System.Security.Cryptography;
using System.Text;
using Aot.Protocol;
using Aot.Protocol.Wire;

namespace Aot.Client.Protocol;

/// <summary>The Authenticate exchange (docs/protocol.md) on a connection that has just opened, before any client's read loop starts.</summary>
internal static class Authentication
{
    /// <summary>Longest answer read: an Authenticated frame is empty, an error frame holds a short message.</summary>
    private const int MaxAnswerBytes = 64 * 1024;

    /// <exception cref="AotServerException">The server refused the key.</exception>
    /// <exception cref="IOException">The server closed the connection or answered something else.</exception>
    public static async Task AuthenticateAsync(Stream connection, string apiKey, CancellationToken cancellationToken)
    {
        byte[] frame = new byte[FrameHeader.Size + Encoding.UTF8.GetByteCount(apiKey)];
        try
        {
            int keyLength = Encoding.UTF8.GetBytes(apiKey, frame.AsSpan(FrameHeader.Size));
            new FrameHeader((uint)keyLength, FrameType.Authenticate, RequestId: 0).Write(frame);
            await connection.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
            await connection.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(frame);
        }

        byte[] headerBytes = new byte[FrameHeader.Size];
        await ReceiveExactlyAsync(connection, headerBytes, cancellationToken).ConfigureAwait(false);
        FrameHeader header = FrameHeader.Read(headerBytes, out _, out _);
        if (header.PayloadLength > MaxAnswerBytes)
        {
            throw new IOException($"The server answered the Authenticate frame with a {header.PayloadLength}-byte frame; is this an Aot binary-protocol port?");
        }

        byte[] payload = new byte[header.PayloadLength];
        await ReceiveExactlyAsync(connection, payload, cancellationToken).ConfigureAwait(false);
        switch (header.Type)
        {
            case FrameType.Authenticated:
                return;
            case FrameType.Error:
                (ErrorCode code, string message) = InferResponseDecoder.ReadError(payload);
                throw new AotServerException(code, message);
            default:
                throw new IOException($"The server answered the Authenticate frame with a {header.Type} frame.");
        }
    }

    private static async Task ReceiveExactlyAsync(Stream connection, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            await connection.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException ex)
        {
            throw new IOException("The server closed the connection while authenticating.", ex);
        }
    }
}
