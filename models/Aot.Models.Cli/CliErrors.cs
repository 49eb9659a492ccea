using Aot.Models;

namespace Aot.Models.Cli;

/// <summary>
/// Turns the errors a user can cause or fix (unknown name, bad option, failed fetch, wrong hash) into one stderr
/// line and exit code 1; anything else is a bug and keeps its stack trace.
/// </summary>
internal static class CliErrors
{
    public const int Failure = 1;

    public static int Run(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is KeyNotFoundException or ArgumentException or InvalidOperationException or TimeoutException
                                      or ModelHashMismatchException or IOException or InvalidDataException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return Failure;
        }
    }
}
