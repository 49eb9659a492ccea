using Aot.Server.Models;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Aot.Server.Hosting;

/// <summary>
/// What a slow or greedy client may hold (docs/security.md): connections in all, time to send request headers, the
/// slowest request body, idle keep-alive time. Kestrel enforces them on the HTTP and gRPC listeners and counts binary
/// connections against the connection limit; a binary frame's own deadline is <c>--frame-timeout-s</c>.
/// </summary>
internal static class ConnectionLimits
{
    /// <summary>Kestrel's grace period before the body rate is enforced: a request's first bytes may arrive in a burst.</summary>
    private static readonly TimeSpan BodyRateGrace = TimeSpan.FromSeconds(5);

    /// <exception cref="StartupException">A limit is out of range (named with its flag).</exception>
    public static void Validate(ServerOptions options)
    {
        Require(options.MaxConnections >= 0, "--max-connections must be 0 (no limit) or more");
        Require(options.RequestHeadersTimeoutSeconds > 0, "--request-headers-timeout-s must be at least 1");
        Require(options.KeepAliveTimeoutSeconds > 0, "--keep-alive-timeout-s must be at least 1");
        Require(options.MinRequestBodyBytesPerSecond >= 0, "--min-request-body-rate must be 0 (off) or more bytes a second");
        Require(options.FrameTimeoutSeconds > 0, "--frame-timeout-s must be at least 1");
    }

    /// <summary>Sets Kestrel's limits from options that passed <see cref="Validate"/>.</summary>
    public static void Apply(KestrelServerLimits limits, ServerOptions options)
    {

        limits.MaxConcurrentConnections = options.MaxConnections > 0 ? options.MaxConnections : null;
        limits.MaxConcurrentUpgradedConnections = limits.MaxConcurrentConnections;
        limits.RequestHeadersTimeout = TimeSpan.FromSeconds(options.RequestHeadersTimeoutSeconds);
        limits.KeepAliveTimeout = TimeSpan.FromSeconds(options.KeepAliveTimeoutSeconds);
        limits.MinRequestBodyDataRate = options.MinRequestBodyBytesPerSecond > 0
            ? new MinDataRate(options.MinRequestBodyBytesPerSecond, BodyRateGrace)
            : null;
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new StartupException(message + ".");
        }
    }
}
