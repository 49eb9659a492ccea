using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using Aot.Server.Cli;
using Aot.Server.Models;
using Microsoft.AspNetCore.Builder;

namespace Aot.Server.Hosting;

/// <summary>
/// The whole <c>aot serve</c> (the same option parsing, model loading with per-model settings, batchers, runners,
/// HTTP and binary listeners) started inside the calling process on loopback ports of its own, for tools that measure
/// the real server path, such as <c>aot tune</c>. Stopping it drains it like SIGTERM does.
/// </summary>
public sealed class InProcessServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ModelRepository _repository;
    private readonly ServerOptions _options;
    private readonly ServerState _state;
    private ModelControl? _control;

    private InProcessServer(WebApplication app, ModelRepository repository, ServerOptions options, ServerState state)
    {
        _app = app;
        _repository = repository;
        _options = options;
        _state = state;
    }

    /// <summary>The loopback HTTP port (KServe V2, TF Serving, text routes, <c>/metrics</c>).</summary>
    public int HttpPort => _options.HttpPort;

    /// <summary>The loopback binary-protocol port.</summary>
    public int BinaryPort => _options.Port;

    /// <summary>
    /// Starts a server with <paramref name="serveArguments"/> (the options of <c>aot serve</c>, without the port and host
    /// options: it listens on 127.0.0.1, on two free ports, without gRPC) and returns once every model is loaded and it is ready.
    /// </summary>
    /// <param name="serveArguments">The <c>aot serve</c> options, for example <c>--model m=PATH --config m=FILE</c>.</param>
    /// <param name="log">Receives the server's start-up lines (loaded models, their settings).</param>
    /// <returns>The running server.</returns>
    /// <exception cref="FormatException">The options do not parse, or a model or config file is refused (the message says why).</exception>
    public static async Task<InProcessServer> StartAsync(IReadOnlyList<string> serveArguments, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(serveArguments);
        ArgumentNullException.ThrowIfNull(log);
        ServerOptions? parsed = null;
        Command serve = ServeCommand.Create(options =>
        {
            parsed = options;
            return 0;
        });
        ParseResult result = serve.Parse([.. serveArguments, "--host", "127.0.0.1", "--http-port", FreePort(), "--port", FreePort(), "--grpc-port", "0"]);
        if (result.Errors.Count > 0)
        {
            throw new FormatException("aot serve options: " + string.Join("; ", result.Errors.Select(static e => e.Message)));
        }

        if (result.Invoke() != 0 || parsed is null)
        {
            throw new FormatException("aot serve options were refused: " + string.Join(" ", serveArguments));
        }

        ModelRepository repository;
        ModelControl? control;
        try
        {
            repository = ServerHost.LoadModels(parsed, log);
            control = ServerHost.StartControl(parsed, repository, log);
        }
        catch (StartupException ex)
        {
            throw new FormatException(ex.Message, ex);
        }

        for (int attempt = 1; ; attempt++)
        {
            var state = new ServerState();
            // No API key: this server listens on loopback for the tuner's own client only.
            WebApplication app = ServerHost.Build(parsed, repository, state, keys: null, control);
            try
            {
                await app.StartAsync().ConfigureAwait(false);
                state.MarkReady();
                return new InProcessServer(app, repository, parsed, state) { _control = control };
            }
            catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException && attempt < 5)
            {
                // A port found free was taken meanwhile (another listener, or an outgoing connection's ephemeral port): new ports.
                await app.DisposeAsync().ConfigureAwait(false);
                parsed = parsed with { HttpPort = int.Parse(FreePort(), System.Globalization.CultureInfo.InvariantCulture), Port = int.Parse(FreePort(), System.Globalization.CultureInfo.InvariantCulture) };
            }
            catch
            {
                await app.DisposeAsync().ConfigureAwait(false);
                control?.Dispose();
                repository.Dispose();
                throw;
            }
        }
    }

    /// <summary>Stops accepting, lets requests in flight finish, stops the batchers and frees the models.</summary>
    /// <returns>A task that completes once stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        _state.MarkStopping();
        await _app.StopAsync().ConfigureAwait(false);
        _control?.Dispose();
        ServerHost.Drain(_options, _repository);
        await _app.DisposeAsync().ConfigureAwait(false);
        _repository.Dispose();
    }

    private static string FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
