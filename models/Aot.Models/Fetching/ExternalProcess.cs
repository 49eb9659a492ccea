using System.Diagnostics;

namespace Aot.Models.Fetching;

/// <summary>Runs a registry client (dotnet, npm) and forwards its output to the progress log.</summary>
internal static class ExternalProcess
{
    private const int TailLines = 20;
    // Generous: a first restore or pack downloads up to ~100 MB. A hung client must still not hang CI forever.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    /// <summary>Runs to completion; a non-zero exit is an error quoting the end of the output.</summary>
    public static void Run(string fileName, IReadOnlyList<string> arguments, string workingDirectory, ProgressLog log,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            startInfo.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
                startInfo.Environment.Remove(key);
            else
                startInfo.Environment[key] = value;
        }

        var commandLine = $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)}";
        log.Info($"running {commandLine}");
        var tail = new Queue<string>();
        void OnLine(object sender, DataReceivedEventArgs e)
        {
            if (string.IsNullOrWhiteSpace(e.Data))
                return;
            lock (tail)
            {
                tail.Enqueue(e.Data);
                if (tail.Count > TailLines)
                    tail.Dequeue();
            }
            log.Info($"  {e.Data.Trim()}");
        }

        using var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += OnLine;
        process.ErrorDataReceived += OnLine;
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Could not start '{fileName}' ({e.Message}); it is needed to fetch this model. Is it installed and on PATH?", e);
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{commandLine}' did not finish within {Timeout.TotalMinutes} minutes and was stopped.");
        }
        process.WaitForExit(); // drains the asynchronous output readers
        if (process.ExitCode != 0)
        {
            string output;
            lock (tail)
                output = string.Join(Environment.NewLine, tail);
            throw new InvalidOperationException($"'{commandLine}' failed with exit code {process.ExitCode}:{Environment.NewLine}{output}");
        }
    }
}
