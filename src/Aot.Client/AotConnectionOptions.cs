using System.Net.Security;

namespace Aot.Client;

/// <summary>How a binary-protocol client opens its connection (<see cref="AotClient"/>, and the typed client's).</summary>
public sealed class AotConnectionOptions
{
    /// <summary>
    /// The server's API key (one of its <c>--api-key-file</c> / <c>AOT_API_KEY</c> keys), sent in an Authenticate frame
    /// as soon as the connection is open; connecting fails with <see cref="AotServerException"/> when the server refuses
    /// it. Null for a server without keys.
    /// </summary>
    public string? ApiKey { get; init; }

    /// <summary>
    /// Talk TLS to a server started with <c>--tls-binary</c> (TCP only): the server name and certificate check
    /// (<see cref="SslClientAuthenticationOptions.TargetHost"/>, <see cref="SslClientAuthenticationOptions.RemoteCertificateValidationCallback"/>).
    /// <see cref="AotClient"/> only; the typed client refuses it. Null: plain TCP.
    /// </summary>
    public SslClientAuthenticationOptions? Tls { get; init; }
}
