using System.Net;
using System.Net.Sockets;

namespace Aot.LoadGen.Systems;

/// <summary>The loopback ports one server listens on: HTTP, (for Aot and the echo floor) raw TCP, and (for Aot) gRPC.</summary>
internal sealed record Ports(int Http, int Tcp, int Grpc = 0)
{
    /// <summary>Three ports free right now.</summary>
    public static Ports Allocate() => new(FreePort(), FreePort(), FreePort());

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
