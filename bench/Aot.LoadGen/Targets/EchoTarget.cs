using System.Net.Sockets;
using Aot.LoadGen.Load;

namespace Aot.LoadGen.Targets;

/// <summary>
/// The transport floor: sends the workload's binary request frame to the <see cref="Echo.EchoServer"/> and reads
/// back a frame as long as the real answer. One TCP connection (NoDelay) per virtual client.
/// </summary>
internal sealed class EchoTarget(string host, int port, byte[] request, int replyLength) : ITarget
{
    public string Protocol => "tcp-echo";

    public async ValueTask<IRequestSender> ConnectAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        return new Sender(socket, request, new byte[replyLength]);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class Sender(Socket socket, byte[] request, byte[] reply) : IRequestSender
    {
        public async ValueTask SendAsync(CancellationToken cancellationToken)
        {
            await socket.SendAsync(request, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            int read = 0;
            while (read < reply.Length)
            {
                int n = await socket.ReceiveAsync(reply.AsMemory(read), SocketFlags.None, cancellationToken).ConfigureAwait(false);
                if (n == 0)
                {
                    throw new IOException("The echo server closed the connection.");
                }

                read += n;
            }
        }

        public ValueTask DisposeAsync()
        {
            socket.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
