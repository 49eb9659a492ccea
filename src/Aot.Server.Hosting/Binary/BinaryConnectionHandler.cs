using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Aot.Server.Binary;

/// <summary>
/// Plugs the binary protocol into Kestrel at connection level: Kestrel owns accept loops, sockets, limits and
/// shutdown; this hands each connection's duplex pipe to a <see cref="BinaryConnection"/>.
/// </summary>
internal sealed class BinaryConnectionHandler(BinaryProtocol protocol) : ConnectionHandler
{
    public override Task OnConnectedAsync(ConnectionContext connection)
    {
        // Kestrel signals this token on graceful shutdown: stop reading, finish what is in flight, then close.
        CancellationToken closeRequested = connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested ?? default;
        return new BinaryConnection(connection.Transport, protocol).RunAsync(closeRequested);
    }
}
