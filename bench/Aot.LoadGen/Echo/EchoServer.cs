using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace Aot.LoadGen.Echo;

/// <summary>
/// The transport floor's server: reads length-prefixed frames (the binary protocol's 16-byte header, payload
/// length first) and answers each with a prepared frame of <c>replyLength</c> bytes. No parsing beyond the
/// length, no model: what is left is the loopback round trip of the same request and response bytes.
/// </summary>
internal sealed class EchoServer(int port, int replyLength)
{
    private const int HeaderSize = 16;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var listener = new Socket(SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(512);
        Console.Error.WriteLine($"echo: listening on 127.0.0.1:{port}, reply {replyLength} bytes");
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket connection = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            connection.NoDelay = true;
            _ = Task.Run(() => ServeAsync(connection, cancellationToken), cancellationToken);
        }
    }

    private async Task ServeAsync(Socket connection, CancellationToken cancellationToken)
    {
        byte[] reply = new byte[Math.Max(HeaderSize, replyLength)];
        BinaryPrimitives.WriteUInt32LittleEndian(reply, (uint)(reply.Length - HeaderSize));
        byte[] buffer = new byte[64 * 1024];
        try
        {
            using (connection)
            {
                while (true)
                {
                    if (!await ReadExactlyAsync(connection, buffer.AsMemory(0, HeaderSize), cancellationToken).ConfigureAwait(false))
                    {
                        return;
                    }

                    long remaining = BinaryPrimitives.ReadUInt32LittleEndian(buffer);
                    while (remaining > 0)
                    {
                        int chunk = (int)Math.Min(remaining, buffer.Length);
                        if (!await ReadExactlyAsync(connection, buffer.AsMemory(0, chunk), cancellationToken).ConfigureAwait(false))
                        {
                            return;
                        }

                        remaining -= chunk;
                    }

                    await connection.SendAsync(reply, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
        }
    }

    private static async ValueTask<bool> ReadExactlyAsync(Socket socket, Memory<byte> destination, CancellationToken cancellationToken)
    {
        int read = 0;
        while (read < destination.Length)
        {
            int n = await socket.ReceiveAsync(destination[read..], SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }
}
