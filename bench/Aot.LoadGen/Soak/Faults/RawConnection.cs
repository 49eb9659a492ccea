using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using Aot.Protocol.Wire;

namespace Aot.LoadGen.Soak.Faults;

/// <summary>
/// A plain TCP connection for the fault clients, which must send what no well-behaved client library would: half a
/// request, one byte at a time, a frame that lies about its length, then vanish with a reset.
/// </summary>
internal sealed class RawConnection : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _one = new byte[1];

    private RawConnection(Socket socket) => _socket = socket;

    public static async Task<RawConnection> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
            return new RawConnection(socket);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        while (!bytes.IsEmpty)
        {
            int sent = await _socket.SendAsync(bytes, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            bytes = bytes[sent..];
        }
    }

    /// <summary>Sends one byte every <paramref name="interval"/>; false when the server closed the connection first.</summary>
    public async Task<bool> TrickleAsync(ReadOnlyMemory<byte> bytes, TimeSpan interval, CancellationToken cancellationToken)
    {
        for (int i = 0; i < bytes.Length; i++)
        {
            try
            {
                await SendAsync(bytes.Slice(i, 1), cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException)
            {
                return false;
            }

            await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            if (_socket.Poll(0, SelectMode.SelectRead) && _socket.Available == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads up to <paramref name="buffer"/>'s length; 0 when the server closed (or reset) the connection.</summary>
    public async Task<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await _socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            return 0;
        }
    }

    /// <summary>The status code of an HTTP response's first line; null when the connection closed before it.</summary>
    public async Task<int?> ReadHttpStatusAsync(CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        while (line.Length < 200)
        {
            if (await ReadAsync(_one, cancellationToken).ConfigureAwait(false) == 0)
            {
                return null;
            }

            if (_one[0] == (byte)'\n')
            {
                string[] parts = line.ToString().Split(' ');
                return parts.Length >= 2 && int.TryParse(parts[1], out int status) ? status : throw new InvalidDataException($"Not an HTTP status line: '{line}'.");
            }

            line.Append((char)_one[0]);
        }

        throw new InvalidDataException("An HTTP status line longer than 200 bytes.");
    }

    /// <summary>One binary-protocol frame: its type and payload; null when the connection closed before a whole frame.</summary>
    public async Task<(FrameType Type, byte[] Payload)?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        byte[] header = new byte[FrameHeader.Size];
        if (!await ReadExactlyAsync(header, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        byte[] payload = new byte[BinaryPrimitives.ReadUInt32LittleEndian(header)];
        return await ReadExactlyAsync(payload, cancellationToken).ConfigureAwait(false) ? ((FrameType)header[4], payload) : null;
    }

    /// <summary>The code of an Error frame's payload.</summary>
    public static int ErrorCodeOf(byte[] payload) => payload.Length >= 2 ? BinaryPrimitives.ReadUInt16LittleEndian(payload) : -1;

    /// <summary>Closes with a reset (SO_LINGER 0), as a crashed client or a dropped network does.</summary>
    public void Abort()
    {
        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (SocketException)
        {
        }

        _socket.Close();
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task<bool> ReadExactlyAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await ReadAsync(buffer[read..], cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }
}
