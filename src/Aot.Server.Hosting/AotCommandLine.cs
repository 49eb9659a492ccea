using System.CommandLine;
using Aot.Server.Cli;

namespace Aot.Server.Hosting;

/// <summary>
/// The commands of the <c>aot</c> executable, for programs that compose their own command line over the server
/// library (the <c>aot</c> executable itself is a <c>Program.cs</c> over these).
/// </summary>
public static class AotCommandLine
{
    /// <summary><c>aot serve</c>: every server option, serving models given at run time.</summary>
    /// <returns>The command.</returns>
    public static Command Serve() => ServeCommand.Create();

    /// <summary><c>aot inspect PATH</c>: a model's inputs, outputs, types, shapes and metadata.</summary>
    /// <returns>The command.</returns>
    public static Command Inspect() => InspectCommand.Create();

    /// <summary>Runs a command's action; a configuration problem prints one <c>aot: error:</c> line and returns 1.</summary>
    /// <param name="action">The command's work, returning its exit code.</param>
    /// <returns>The exit code.</returns>
    public static int RunReportingErrors(Func<int> action) => CommandErrors.Run(action);
}
