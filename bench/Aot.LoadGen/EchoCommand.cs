using System.CommandLine;
using Aot.LoadGen.Echo;

namespace Aot.LoadGen;

/// <summary><c>echo-server --port N --reply-bytes N</c>: the transport floor's server, until SIGTERM.</summary>
internal static class EchoCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Loopback TCP port.", Required = true };
        var reply = new Option<int>("--reply-bytes") { Description = "Size of each answer frame, header included.", Required = true };
        var command = new Command("echo-server", "TCP echo floor: answers each length-prefixed frame with a frame of --reply-bytes.") { port, reply };
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                await new EchoServer(result.GetValue(port), result.GetValue(reply)).RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            return 0;
        });
        return command;
    }
}
