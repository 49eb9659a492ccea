using Aot.Protocol;
using Aot.Protocol.Wire;

namespace Aot.Client;

/// <summary>The server answered a request with an error frame.</summary>
public sealed class AotServerException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AotServerException(ErrorCode code, string message)
        : base($"{WireErrorCodes.ToWire(code)} {code}: {message}")
    {
        Code = code;
        ServerMessage = message;
    }

    /// <summary>Why the request failed (the frame's code, read with <see cref="WireErrorCodes.FromWire"/>).</summary>
    public ErrorCode Code { get; }

    /// <summary>The server's message, as sent.</summary>
    public string ServerMessage { get; }
}
