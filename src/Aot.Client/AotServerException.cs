using Aot.Client.Protocol;

namespace Aot.Client;

/// <summary>The server answered a request with an error frame.</summary>
public sealed class AotServerException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AotServerException(ErrorCode code, string message)
        : base($"{(int)code} {code}: {message}")
    {
        Code = code;
        ServerMessage = message;
    }

    /// <summary>The error code (the HTTP status of the same failure).</summary>
    public ErrorCode Code { get; }

    /// <summary>The server's message, as sent.</summary>
    public string ServerMessage { get; }
}
