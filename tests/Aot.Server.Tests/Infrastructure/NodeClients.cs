using System.Diagnostics;

namespace Aot.Server.Tests.Infrastructure;

/// <summary>The npm clients in tests/clients/node: installed once per test run from the lock file (CI installs Node and npm), run as scripts.</summary>
internal static class NodeClients
{
    public static readonly string Directory = Path.Combine(RepoPaths.Root, "tests", "clients", "node");
    private static readonly SemaphoreSlim InstallGate = new(1, 1);
    private static bool s_installed;

    /// <summary>npm ci once per test run (the lock file pins every client).</summary>
    public static async Task InstallAsync()
    {
        await InstallGate.WaitAsync();
        try
        {
            if (!s_installed)
            {
                await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"]);
                s_installed = true;
            }
        }
        finally
        {
            InstallGate.Release();
        }
    }

    /// <summary>Runs <paramref name="executable"/> in the clients' folder; fails the test with its output unless it exits 0; returns its stdout.</summary>
    public static async Task<string> RunAsync(string executable, string[] arguments)
    {
        var info = new ProcessStartInfo(executable)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        string output = await stdout;
        Assert.True(process.ExitCode == 0, $"{executable} {string.Join(' ', arguments)} exited {process.ExitCode}:\n{await stderr}\n{output}");
        return output;
    }
}
