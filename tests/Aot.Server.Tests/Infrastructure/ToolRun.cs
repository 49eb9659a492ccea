using System.Diagnostics;

namespace Aot.Server.Tests.Infrastructure;

/// <summary>Runs a tool (bash, node, npm, buildah) to completion and returns its exit code and output.</summary>
internal static class ToolRun
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string executable, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {executable}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{executable} {string.Join(' ', arguments)} did not finish within {timeout}:\n{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs the tool and fails the test with its output unless it exits 0; returns its standard output.</summary>
    public static async Task<string> RunCheckedAsync(string executable, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null)
    {
        (int exit, string stdout, string stderr) = await RunAsync(executable, arguments, timeout, workingDirectory);
        Assert.True(exit == 0, $"{executable} {string.Join(' ', arguments)} exited {exit}:\n{stderr}\n{stdout}");
        return stdout;
    }
}

/// <summary>`npm ci` once per folder and test run (each folder's lock file pins its packages); CI installs Node and npm.</summary>
internal static class NpmPackages
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static readonly HashSet<string> Installed = new(StringComparer.Ordinal);

    public static async Task EnsureInstalledAsync(string folder)
    {
        await Gate.WaitAsync();
        try
        {
            if (!Installed.Contains(folder))
            {
                await ToolRun.RunCheckedAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], TimeSpan.FromMinutes(5), folder);
                Installed.Add(folder);
            }
        }
        finally
        {
            Gate.Release();
        }
    }
}
