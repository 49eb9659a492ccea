using System.Net;
using System.Net.Sockets;
using Aot.Client.Protocol;

namespace Aot.Client;

/// <summary>Opens the socket the binary protocol runs over, for every client of it (generic and generated).</summary>
public static class BinarySocket
{
    /// <summary>
    /// Connects to an <see cref="IPEndPoint"/>, <see cref="DnsEndPoint"/> (TCP, Nagle off: frames are small and
    /// latency-bound) or <see cref="UnixDomainSocketEndPoint"/>. The socket is disposed if connecting fails.
    /// </summary>
    /// <param name="endpoint">Where the server listens.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <returns>The connected socket, owned by the caller.</returns>
    public static async Task<Socket> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Socket socket = endpoint is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return socket;
    }

    /// <summary>Connects as <see cref="ConnectAsync(EndPoint, CancellationToken)"/>, then sends <paramref name="options"/>' API key, if any.</summary>
    /// <param name="endpoint">Where the server listens.</param>
    /// <param name="options">The API key; null connects without one.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <returns>The connected (and authenticated) socket, owned by the caller.</returns>
    /// <exception cref="AotServerException">The server refused the key.</exception>
    /// <exception cref="NotSupportedException"><paramref name="options"/> asks for TLS: only <see cref="AotClient"/> speaks it.</exception>
    public static async Task<Socket> ConnectAsync(EndPoint endpoint, AotConnectionOptions? options, CancellationToken cancellationToken = default)
    {
        if (options?.Tls is not null)
        {
            throw new NotSupportedException("TLS on the binary protocol needs AotClient: this client writes to the socket itself.");
        }

        Socket socket = await ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
        if (options?.ApiKey is not { } apiKey)
        {
            return socket;
        }

        try
        {
            await using var stream = new NetworkStream(socket, ownsSocket: false);
            await Authentication.AuthenticateAsync(stream, apiKey, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return socket;
    }
}
