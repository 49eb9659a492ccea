using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Aot.Server.Binary;
using Aot.Server.Classification;
using Aot.Server.Embeddings;
using Aot.Server.Grpc;
using Aot.Server.Http;
using Aot.Server.Models;
using Aot.Server.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Aot.Protocol.Wire;

namespace Aot.Server.Hosting;

/// <summary>
/// Runs the server: loads and warms the models, then hosts HTTP, gRPC and the binary protocol (TCP and Unix socket) on
/// Kestrel until SIGTERM / Ctrl-C; then stops accepting, lets in-flight requests finish, drains the batchers and
/// returns the exit code.
/// </summary>
internal static class ServerHost
{
    public static int Run(ServerOptions options) => Run(options, log => LoadModels(options, log));

    /// <summary>
    /// The models of <c>aot serve</c>: <c>--model</c> and <c>--repository</c>, each with its own settings. With a model
    /// control mode the repository's models are left to <see cref="StartControl"/>, which isolates their failures.
    /// </summary>
    internal static ModelRepository LoadModels(ServerOptions options, Action<string> log)
    {
        ModelRepository repository = options.ModelControl == ModelControlMode.None || options.Repository is null
            ? ModelLoader.Load(DiscoverModels(options), options.ToModelOptions(log), log)
            : options.Models.Count == 0 ? new ModelRepository([]) : ModelLoader.Load(DiscoverModels(options with { Repository = null }), options.ToModelOptions(log), log);
        try
        {
            foreach (ServedModel model in repository.All)
            {
                RunWarmupFile(model, log);
            }
        }
        catch
        {
            repository.Dispose();
            throw;
        }

        return repository;
    }

    /// <summary>Runs a version's <c>warmup.json</c> (docs/models.md) before it is served.</summary>
    /// <exception cref="StartupException">A warm-up request failed (the caller frees the version).</exception>
    internal static void RunWarmupFile(ServedModel model, Action<string> log)
    {
        int requests = WarmupFile.RunIfPresent(model);
        if (requests > 0)
        {
            log($"warmed '{model.Name}' v{model.VersionText} with {requests} request(s) of its {WarmupFile.FileName}");
        }
    }

    /// <summary>With <c>--model-control poll|explicit</c>: loads the repository's models (a failed version is reported, not fatal) and starts watching it.</summary>
    internal static ModelControl? StartControl(ServerOptions options, ModelRepository repository, Action<string> log)
    {
        if (options.LoadModels.Count > 0 && options.ModelControl != ModelControlMode.Explicit)
        {
            throw new StartupException($"--load-model needs --model-control explicit (with {options.ModelControl.ToString().ToLowerInvariant()}, {(options.ModelControl == ModelControlMode.Poll ? "every model of the repository is served" : "--model and --repository say what is served")}).");
        }

        if (options.ModelControl == ModelControlMode.None)
        {
            return null;
        }

        var control = new ModelControl(options, repository, log);
        control.Start();
        return control;
    }

    /// <summary>Runs the server on the models <paramref name="loadModels"/> loads (compiled-in models: Aot.Server.Hosting).</summary>
    public static int Run(ServerOptions options, Func<Action<string>, ModelRepository> loadModels)
    {
        static void Log(string message) => Console.Error.WriteLine($"aot: {message}");

        NativeHeap.ReturnLargeBlocks(Log);
        ConnectionLimits.Validate(options);
        ApiKeys? keys = ApiKeys.Load(options.ApiKeyFile);
        // Says how many keys, never a key (docs/security.md).
        Log(keys is null
            ? "no API key: every route is open"
            : $"API key required ({keys.Count} key{(keys.Count == 1 ? "" : "s")}); health routes {(options.AuthHealth ? "need it too" : "are open")}");
        using ApiKeyFileWatcher? keyWatcher = keys?.KeyFile is null ? null : new ApiKeyFileWatcher(keys, options.ApiKeyReloadSeconds, Log);
        using ModelRepository repository = loadModels(Log);
        using ModelControl? control = StartControl(options, repository, Log);

        var state = new ServerState();
        WebApplication app = Build(options, repository, state, keys, control);
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        lifetime.ApplicationStarted.Register(() =>
        {
            state.MarkReady();
            Log($"ready: HTTP{(options.TlsCertificate is null ? "" : "S")} on {options.Host}:{options.HttpPort}" +
                (options.GrpcPort > 0 ? $", gRPC{(options.TlsCertificate is null ? "" : " (TLS)")} on {options.Host}:{options.GrpcPort}" : "") +
                (options.Port > 0 ? $", binary{(options.TlsBinary ? " (TLS)" : "")} on {options.Host}:{options.Port}" : "") +
                (options.UnixSocket is null ? "" : $", binary on unix:{options.UnixSocket}"));
        });
        lifetime.ApplicationStopping.Register(() =>
        {
            state.MarkStopping();
            Log("shutting down: no new connections; finishing requests in flight");
        });

        try
        {
            app.Run();
        }
        catch (IOException ex)
        {
            // Typically a port in use; Kestrel's message names the address.
            throw new StartupException($"Cannot listen: {ex.Message}", ex);
        }

        control?.Dispose(); // no loads or unloads while draining
        Drain(options, repository);
        Log("stopped");
        return 0;
    }

    /// <summary>After the listeners stopped: lets every batcher finish what it holds, removes the Unix socket file.</summary>
    internal static void Drain(ServerOptions options, ModelRepository repository)
    {
        foreach (ServedModel model in repository.Running())
        {
            model.Batcher.Stop(TimeSpan.FromSeconds(options.DrainTimeoutSeconds));
        }

        if (options.UnixSocket is not null)
        {
            TryDelete(options.UnixSocket);
        }
    }

    private static IReadOnlyList<ModelSource> DiscoverModels(ServerOptions options)
    {
        var sources = new List<ModelSource>();
        foreach (string spec in options.Models)
        {
            sources.Add(ModelSource.Parse(spec));
        }

        if (options.Repository is not null)
        {
            sources.AddRange(ModelSource.Scan(options.Repository));
        }

        if (sources.Count == 0)
        {
            throw new StartupException("No models to serve: give --model NAME=PATH (repeatable) or --repository DIR.");
        }

        return VersionSelection.Apply(EmbeddingSources.Apply(ModelConfigs.Apply(sources, options), options), options.VersionPolicy);
    }

    /// <summary>The host with every listener and route; <paramref name="keys"/> null serves without authentication.</summary>
    internal static WebApplication Build(ServerOptions options, ModelRepository repository, ServerState state, ApiKeys? keys, ModelControl? control = null)
    {
        ConnectionLimits.Validate(options); // here too: Kestrel reads its options only when it starts
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(static o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(options.DrainTimeoutSeconds));
        builder.Services.AddSingleton(new BinaryProtocol(repository, options.MaxPayloadBytes, Math.Max(1, options.MaxInFlightPerConnection))
        {
            Keys = keys,
            FrameTimeout = TimeSpan.FromSeconds(options.FrameTimeoutSeconds),
        });
        builder.Services.AddSingleton<BinaryConnectionHandler>();
        if (options.GrpcPort > 0)
        {
            GrpcEndpoints.AddServices(builder.Services, repository, state, options.MaxPayloadBytes,
                keys is null ? null : new GrpcApiKeyInterceptor(keys, options.AuthHealth));
        }

        X509Certificate2? certificate = LoadCertificate(options);

        IPAddress address = options.Host is "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.Host);
        if (options.InlineIo)
        {
            // Run connection code on the socket's completion thread with no hand-offs (TechEmpower's setting):
            // the read loop, a lone request's inference and the send all on the thread that saw the bytes arrive.
            // Lowest latency (about 10 µs less per request); but a long inline run delays the other connections
            // served by that socket engine thread, so it is opt-in.
            Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
            builder.WebHost.UseSockets(static sockets => sockets.UnsafePreferInlineScheduling = true);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Bodies are length-checked by the API itself (413 with a JSON error). A binary frame is parsed only
            // once whole, so a connection must be able to buffer one frame of the largest allowed size.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MaxRequestBufferSize = options.MaxPayloadBytes + FrameHeader.Size + (1 << 20);
            ConnectionLimits.Apply(kestrel.Limits, options);
            kestrel.Listen(address, options.HttpPort, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
            if (options.GrpcPort > 0)
            {
                // gRPC needs HTTP/2: cleartext (h2c, prior knowledge) unless there is a certificate. Flow-control windows
                // above Kestrel's defaults (1 MiB / 768 KiB) so a tensor of several MB is not held up by window updates.
                kestrel.Limits.Http2.InitialConnectionWindowSize = 16 << 20;
                kestrel.Limits.Http2.InitialStreamWindowSize = 8 << 20;
                kestrel.Listen(address, options.GrpcPort, listen =>
                {
                    listen.Protocols = HttpProtocols.Http2;
                    if (certificate is not null)
                    {
                        listen.UseHttps(certificate);
                    }
                });
            }

            if (options.Port > 0)
            {
                kestrel.Listen(address, options.Port, listen =>
                {
                    if (options.TlsBinary)
                    {
                        listen.UseHttps(certificate!); // Kestrel's TLS connection middleware: the handler reads decrypted bytes
                    }

                    listen.UseConnectionHandler<BinaryConnectionHandler>();
                });
            }

            if (options.UnixSocket is not null)
            {
                TryDelete(options.UnixSocket); // a stale socket file from a previous run would make bind fail
                kestrel.ListenUnixSocket(options.UnixSocket, static listen => listen.UseConnectionHandler<BinaryConnectionHandler>());
            }
        });

        WebApplication app = builder.Build();
        if (keys is not null)
        {
            ApiKeyMiddleware.Use(app, keys, options.AuthHealth);
        }

        var classification = new ClassificationApi(repository, options.MaxPayloadBytes);
        classification.Map(app);
        new EmbeddingApi(repository, state, options.MaxPayloadBytes, classification).Map(app);
        if (options.GrpcPort > 0)
        {
            GrpcEndpoints.Map(app);
        }

        new RepositoryApi(repository, control, options.MaxPayloadBytes).Map(app);
        new HttpApi(repository, state, options.MaxPayloadBytes).Map(app);
        return app;
    }

    /// <summary>The TLS certificate of <c>--tls-cert</c> / <c>--tls-key</c> (PEM), or null to serve cleartext.</summary>
    private static X509Certificate2? LoadCertificate(ServerOptions options)
    {
        if (options.TlsCertificate is null && options.TlsKey is null)
        {
            return options.TlsBinary ? throw new StartupException("--tls-binary needs --tls-cert and --tls-key (PEM files).") : null;
        }

        if (options.TlsCertificate is null || options.TlsKey is null)
        {
            throw new StartupException("TLS needs both --tls-cert and --tls-key (PEM files).");
        }

        OpenSslCheck.EnsureAvailable();

        try
        {
            return X509Certificate2.CreateFromPemFile(options.TlsCertificate, options.TlsKey);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new StartupException($"Cannot load the TLS certificate {options.TlsCertificate} with key {options.TlsKey}: {ex.Message}", ex);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
