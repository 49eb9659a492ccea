namespace Aot.Server.Tests.Infrastructure;

/// <summary>The npm clients in tests/clients/node: installed once per test run from the lock file (CI installs Node and npm), run as scripts.</summary>
internal static class NodeClients
{
    public static readonly string Directory = Path.Combine(RepoPaths.Root, "tests", "clients", "node");

    /// <summary>npm ci once per test run (the lock file pins every client).</summary>
    public static Task InstallAsync() => NpmPackages.EnsureInstalledAsync(Directory);

    /// <summary>Runs <paramref name="executable"/> in the clients' folder; fails unless it exits 0; returns its stdout.</summary>
    public static Task<string> RunAsync(string executable, string[] arguments) =>
        ToolRun.RunCheckedAsync(executable, arguments, TimeSpan.FromMinutes(3), Directory);
}
