using System.Diagnostics;

namespace Aot.Compiled.Tests.Infrastructure;

/// <summary>
/// Publishes tests/Aot.Compiled.Example with native AOT once per test run (minutes on 2 cores), then starts it (its
/// models embedded: no --model given) and, for comparison, a regular `aot serve` on the same model files.
/// </summary>
public sealed class CompiledServers : IAsyncLifetime
{
    private string _publishDirectory = "";

    /// <summary>The native executable.</summary>
    public string Executable { get; private set; } = "";

    /// <summary>The publish output (checked for IL warnings).</summary>
    public string PublishOutput { get; private set; } = "";

    /// <summary>The compiled server, serving its embedded minilm and tiny.</summary>
    internal ServerProcess Compiled { get; private set; } = null!;

    /// <summary>`aot serve --model minilm=... --model tiny=...` on the same files.</summary>
    internal ServerProcess Runtime { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _publishDirectory = Path.Combine(Path.GetTempPath(), $"aot-compiled-{Guid.NewGuid():N}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in (string[])["publish", Path.Combine(RepoPaths.Root, "tests", "Aot.Compiled.Example", "Aot.Compiled.Example.csproj"), "-c", "Release", "-r", "linux-x64", "-o", _publishDirectory, "-nologo"])
        {
            info.ArgumentList.Add(argument);
        }

        using (Process process = Process.Start(info)!)
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync();
            Task<string> stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            PublishOutput = await stdout + await stderr;
            Executable = Path.Combine(_publishDirectory, "minilm-server");
            if (process.ExitCode != 0 || !File.Exists(Executable))
            {
                throw new InvalidOperationException($"dotnet publish failed ({process.ExitCode}):\n{PublishOutput}");
            }
        }

        Compiled = await ServerProcess.StartAsync(Executable, [], unixSocket: true);
        Runtime = await ServerProcess.StartAsync(RepoPaths.BuiltServer, ["--model", $"minilm={TestModels.MiniLm}", "--model", $"tiny={TestModels.Tiny}"]);
    }

    public async Task DisposeAsync()
    {
        if (Compiled is not null)
        {
            await Compiled.DisposeAsync();
        }

        if (Runtime is not null)
        {
            await Runtime.DisposeAsync();
        }

        try
        {
            Directory.Delete(_publishDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
