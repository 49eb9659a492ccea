namespace Aot.Server.Tests.Infrastructure;

/// <summary>Start-up refusals: <c>aot serve</c> of the tiny model on no ports, run to its exit.</summary>
internal static class TinyServeRefusal
{
    /// <summary>Runs <c>aot serve</c> with <paramref name="flags"/> added; its exit code and output.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(params string[] flags) =>
        ServerProcess.RunToExitAsync(RepoPaths.BuiltServer, ["serve", "--model", $"tiny={TestModels.Tiny}", "--http-port", "0", "--port", "0", "--grpc-port", "0", .. flags]);
}
