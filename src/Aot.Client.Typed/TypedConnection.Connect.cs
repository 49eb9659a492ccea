using System.Net;
using System.Net.Sockets;
using Aot.Client;

namespace Aot.Client.Typed;

/// <summary>Opening a <see cref="TypedConnection"/>: TCP or Unix domain socket, with the server's API key when it has one.</summary>
public sealed partial class TypedConnection
{
    /// <summary>Connects to <paramref name="host"/>:<paramref name="port"/> over TCP.</summary>
    /// <param name="host">Host name or address.</param>
    /// <param name="port">The server's binary protocol port (<c>--port</c>, 8001 by default).</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <returns>The open connection.</returns>
    public static Task<TypedConnection> ConnectAsync(string host, int port, CancellationToken cancellationToken = default) =>
        ConnectAsync(new DnsEndPoint(host, port), options: null, cancellationToken);

    /// <summary>Connects to a Unix domain socket (<c>--unix-socket PATH</c>).</summary>
    /// <param name="path">The socket's path.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <returns>The open connection.</returns>
    public static Task<TypedConnection> ConnectUnixAsync(string path, CancellationToken cancellationToken = default) =>
        ConnectAsync(new UnixDomainSocketEndPoint(path), options: null, cancellationToken);

    /// <summary>Connects to an <see cref="IPEndPoint"/>, <see cref="DnsEndPoint"/> or <see cref="UnixDomainSocketEndPoint"/>.</summary>
    /// <param name="endpoint">Where the server listens.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <returns>The open connection.</returns>
    public static Task<TypedConnection> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        ConnectAsync(endpoint, options: null, cancellationToken);

    /// <summary>Connects and, when <paramref name="options"/> has an API key, authenticates with it before any request.</summary>
    /// <param name="endpoint">Where the server listens.</param>
    /// <param name="options">The API key; null connects without one.</param>
    /// <param name="cancellationToken">Cancels connecting.</param>
    /// <returns>The open connection.</returns>
    /// <exception cref="AotServerException">The server refused the key.</exception>
    public static async Task<TypedConnection> ConnectAsync(EndPoint endpoint, AotConnectionOptions? options, CancellationToken cancellationToken = default)
    {
        Socket socket = await BinarySocket.ConnectAsync(endpoint, options, cancellationToken).ConfigureAwait(false);
        return new TypedConnection(socket);
    }
}
