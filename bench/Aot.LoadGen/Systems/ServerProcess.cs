using System.Diagnostics;
using Aot.LoadGen.Load;
using Aot.LoadGen.Resources;

namespace Aot.LoadGen.Systems;

/// <summary>
/// A server under test as a child process: started with its output going to a log file, sampled from /proc for
/// its whole life, polled until ready (the time from process start to ready is its cold start), stopped with
/// SIGTERM (SIGKILL after 15 s).
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ServerProcess(Process process, StreamWriter log, long started)
    {
        _process = process;
        _log = log;
        Started = started;
        Sampler = new ProcessSampler(process.Id);
    }

    /// <summary>Process id.</summary>
    public int Pid => _process.Id;

    /// <summary>Stopwatch timestamp just before the process was started.</summary>
    public long Started { get; }

    /// <summary>/proc sampler of this process.</summary>
    public ProcessSampler Sampler { get; }

    /// <summary>Whether the process has exited.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once the process has exited; null while it runs.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Starts <paramref name="launch"/>, appending its stdout and stderr to <paramref name="logPath"/>.</summary>
    public static ServerProcess Start(ServerLaunch launch, string logPath)
    {
        var info = new ProcessStartInfo(launch.Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in launch.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach ((string key, string value) in launch.Environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        log.WriteLine($"$ {launch.CommandLine}");
        long started = Clock.Now;
        Process process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {launch.Executable}.");
        var server = new ServerProcess(process, log, started);
        process.OutputDataReceived += (_, e) => server.Log(e.Data);
        process.ErrorDataReceived += (_, e) => server.Log(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>Polls <paramref name="probe"/> every 5 ms until it says ready; returns the timestamp it did.</summary>
    /// <exception cref="TimeoutException">Not ready in time, or the process exited.</exception>
    public async Task<long> WaitReadyAsync(Func<CancellationToken, Task<bool>> probe, TimeSpan timeout, CancellationToken cancellationToken)
    {
        long deadline = Started + Clock.ToTicks(timeout);
        while (Clock.Now < deadline)
        {
            if (_process.HasExited)
            {
                throw new TimeoutException($"The server exited with code {_process.ExitCode} before it was ready (see its log).");
            }

            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                if (await probe(attempt.Token).ConfigureAwait(false))
                {
                    return Clock.Now;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or System.Net.Sockets.SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(5, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"The server was not ready within {timeout.TotalSeconds:0} s (see its log).");
    }

    /// <summary>SIGTERM, then SIGKILL if it has not exited in 15 s.</summary>
    public async Task StopAsync()
    {
        Sampler.Dispose();
        if (!_process.HasExited)
        {
            using (Process? kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await (kill?.WaitForExitAsync() ?? Task.CompletedTask).ConfigureAwait(false);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private void Log(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            if (_log.BaseStream.CanWrite)
            {
                _log.WriteLine(line);
            }
        }
    }
}
