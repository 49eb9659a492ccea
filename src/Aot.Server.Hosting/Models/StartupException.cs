namespace Aot.Server.Models;

/// <summary>The server cannot start as configured; the message is printed as is and the process exits non-zero.</summary>
internal sealed class StartupException(string message, Exception? inner = null) : Exception(message, inner);
