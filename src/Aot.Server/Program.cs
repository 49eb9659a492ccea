using System.CommandLine;
using Aot.Server.Cli;
using Aot.Server.Models;

namespace Aot.Server;

/// <summary>Entry point of the <c>aot</c> executable.</summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("aot: a native-AOT inference server for ONNX models.")
        {
            ServeCommand.Create(),
            InspectCommand.Create(),
            QuantizeCommand.Create(),
            OptimizeCommand.Create(),
        };
        return root.Parse(args).Invoke();
    }

    /// <summary>Runs a command; a configuration problem prints one clear line and exits 1 instead of a stack trace.</summary>
    public static int RunReportingErrors(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (StartupException ex)
        {
            Console.Error.WriteLine($"aot: error: {ex.Message}");
            return 1;
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine($"aot: error: {ex.Message}");
            return 1;
        }
    }
}
