using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Aot.Server.Tests.Infrastructure;

/// <summary>
/// A real `aot serve` process on loopback with free ports, for end-to-end tests. Waits until
/// <c>/v2/health/ready</c> answers 200; stops with SIGTERM like a process manager would.
/// </summary>
internal sealed partial class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ServerProcess(Process process, int httpPort, int port, int grpcPort, string? unixSocket, bool tls)
    {
        _process = process;
        HttpPort = httpPort;
        Port = port;
        GrpcPort = grpcPort;
        UnixSocket = unixSocket;
        Scheme = tls ? "https" : "http";
        // A TLS server in a test has a certificate the test made: this client checks readiness and routes, not trust
        // (tests that check the certificate bring their own handler).
        HttpMessageHandler handler = tls
            ? new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = static (_, _, _, _) => true } }
            : new SocketsHttpHandler();
        Http = new HttpClient(handler) { BaseAddress = new Uri($"{Scheme}://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary><c>https</c> when the server was started with a certificate (<c>--tls-cert</c>), else <c>http</c>.</summary>
    public string Scheme { get; }

    public int HttpPort { get; }

    public int Port { get; }

    /// <summary>The gRPC port (HTTP/2 cleartext).</summary>
    public int GrpcPort { get; }

    /// <summary>The gRPC address for Grpc.Net.Client (<c>GrpcChannel.ForAddress</c>).</summary>
    public Uri GrpcAddress => new($"{Scheme}://127.0.0.1:{GrpcPort}");

    public string? UnixSocket { get; }

    public HttpClient Http { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The started process (for a container: the engine, whose child is the server).</summary>
    public int ProcessId => _process.Id;

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts the server and waits until it is ready (or fails with its output). <paramref name="launcher"/> goes between
    /// the executable and <c>serve</c>: a container engine's run command ending in the server's path in the image.
    /// </summary>
    /// <param name="threads">The <c>--threads</c> flag (one by default on a 2-core CI machine); null leaves it out, so config files decide.</param>
    /// <param name="tls">The arguments include <c>--tls-cert</c>/<c>--tls-key</c>: talk HTTPS.</param>
    /// <param name="environment">Variables added to the process's environment (<c>AOT_API_KEY</c>).</param>
    /// <param name="readinessKey">The API key the readiness probe sends (a server started with <c>--auth-health</c>).</param>
    public static async Task<ServerProcess> StartAsync(string executable, IEnumerable<string> arguments, bool unixSocket = false, IEnumerable<string>? launcher = null, string? threads = "1", bool tls = false,
        IReadOnlyDictionary<string, string>? environment = null, string? readinessKey = null)
    {
        int httpPort = FreePort();
        int port = FreePort();
        int grpcPort = FreePort();
        string? socket = unixSocket ? Path.Combine(Path.GetTempPath(), $"aot-test-{Guid.NewGuid():N}.sock") : null;
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])[.. launcher ?? [], "serve", "--host", "127.0.0.1", "--http-port", httpPort.ToString(), "--port", port.ToString(), "--grpc-port", grpcPort.ToString(), .. (threads is null ? (string[])[] : ["--threads", threads]), .. arguments])
        {
            info.ArgumentList.Add(argument);
        }

        if (socket is not null)
        {
            info.ArgumentList.Add("--unix-socket");
            info.ArgumentList.Add(socket);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info)!;
        var server = new ServerProcess(process, httpPort, port, grpcPort, socket, tls);
        if (readinessKey is not null)
        {
            server.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", readinessKey);
        }

        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitReadyAsync(TimeSpan.FromSeconds(90));
        return server;
    }

    /// <summary>Runs the executable to completion (for start-up failures); returns exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string executable, params string[] arguments)
    {
        var info = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>Sends SIGTERM to <paramref name="pid"/> (the server inside a container: the engine would SIGKILL it).</summary>
    public static void Terminate(int pid) => _ = Kill(pid, 15);

    /// <summary>Sends SIGHUP (the server reads its API key file again).</summary>
    public void HangUp() => _ = Kill(_process.Id, 1);

    /// <summary>Waits for the process to exit on its own; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM and waits for the process to exit; returns its exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            _ = Kill(_process.Id, 15);
        }

        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        if (!_process.HasExited)
        {
            try
            {
                await TerminateAsync(TimeSpan.FromSeconds(20));
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private async Task WaitReadyAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the server exited with {_process.ExitCode} before it was ready:\n{Output}");
            }

            try
            {
                using HttpResponseMessage response = await Http.GetAsync("/v2/health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the server was not ready within {timeout}:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
