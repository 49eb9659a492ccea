using Aot.Server.Models;

namespace Aot.Server.Cli;

/// <summary>How every command reports a configuration problem: one clear line and exit code 1, never a stack trace.</summary>
internal static class CommandErrors
{
    public static int Run(Func<int> action)
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
