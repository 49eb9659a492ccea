using System.Net.Sockets;
using Aot.LoadGen.Load;
using Aot.LoadGen.Resources;
using Aot.LoadGen.Results;
using Aot.LoadGen.Systems;
using Aot.LoadGen.Targets;
using Aot.LoadGen.Workloads;
using Aot.Models;
using Aot.Runtime;

namespace Aot.LoadGen.Suite;

/// <summary>
/// Runs a <see cref="SuitePlan"/>: per model, the in-process floor, the echo floor, then every system started
/// fresh for that model (cold start measured), every workload × protocol × concurrency against it, stopped.
/// A system that fails to start is recorded and the suite goes on.
/// </summary>
internal sealed class SuiteRunner(SuitePlan plan, SystemCatalog catalog, int threads, string outputDirectory, SuiteResults results)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    private readonly Dictionary<string, int> _replyBytes = [];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string logs = Path.Combine(outputDirectory, "logs");
        Directory.CreateDirectory(logs);
        foreach (IGrouping<string, Workload> group in plan.Workloads.GroupBy(workload => workload.Model))
        {
            string modelPath = ModelStore.GetPath(group.Key);
            await RunInProcessAsync(group.Key, modelPath, [.. group], cancellationToken).ConfigureAwait(false);
            foreach (Workload workload in group)
            {
                await RunServerAsync(catalog.Echo(_replyBytes[workload.Name]), [workload], modelPath, logs, cancellationToken).ConfigureAwait(false);
            }

            foreach (string system in plan.Systems)
            {
                if (SuitePlan.TinyOnlySystems.Contains(system) && group.Key != "tiny")
                {
                    continue;
                }

                await RunServerAsync(Definition(system), [.. group], modelPath, logs, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private SystemDefinition Definition(string name) => name switch
    {
        "aot" => catalog.Aot,
        "aot-batch" => catalog.AotBatch,
        "aot-batch-d500" => catalog.AotBatchDelay,
        "aspnet-ort" => catalog.AspNet,
        "node-ort" => catalog.Node,
        "torch-fastapi" => catalog.Torch,
        _ => throw new ArgumentException($"Unknown system '{name}'."),
    };

    private async Task RunInProcessAsync(string model, string modelPath, IReadOnlyList<Workload> workloads, CancellationToken cancellationToken)
    {
        long loadStart = Clock.Now;
        using OnnxModel onnx = OnnxModel.Load(modelPath, new ModelOptions { IntraOpThreads = threads, InterOpThreads = 1 });
        double loadMs = Clock.Seconds(loadStart, Clock.Now) * 1000;
        results.ModelLoads.Add(new ModelLoadRecord(model, modelPath, new FileInfo(modelPath).Length / 1e6, loadMs));
        foreach (Workload workload in workloads)
        {
            await using (var target = new InProcessTarget(onnx, workload))
            {
                await using IRequestSender probe = await target.ConnectAsync(cancellationToken).ConfigureAwait(false);
                await probe.SendAsync(cancellationToken).ConfigureAwait(false);
                using ModelRunner runner = onnx.CreateRunner();
                foreach (TensorData input in workload.Inputs)
                {
                    input.Bytes.CopyTo(runner.GetInputBytes(onnx.Metadata.GetInputIndex(input.Name), input.Shape));
                }

                runner.Run();
                _replyBytes[workload.Name] = ResponseSize.OfFrame(runner);
                var options = new LoadOptions(1, plan.WarmUp, plan.Duration(workload));
                LoadResult result = await LoadRunner.RunAsync(target, options, $"in-process {workload.Name} c=1", cancellationToken).ConfigureAwait(false);
                results.Runs.Add(Record("in-process", "floor", workload, "in-process", options, result, null));
            }
        }
    }

    private async Task RunServerAsync(SystemDefinition system, IReadOnlyList<Workload> workloads, string modelPath, string logs, CancellationToken cancellationToken)
    {
        Ports ports = Ports.Allocate();
        ServerLaunch launch = system.Launch(workloads[0], modelPath, ports);
        string log = Path.Combine(logs, $"{system.Name}-{workloads[0].Name}.log");
        Console.Error.WriteLine($"== {system.Name} on {string.Join(", ", workloads.Select(w => w.Name))}: {launch.CommandLine}");
        ServerProcess? server = null;
        double? readyMs = null;
        double? firstAnswerMs = null;
        double? idleRss = null;
        string status = "ok";
        try
        {
            server = ServerProcess.Start(launch, log);
            long ready = await server.WaitReadyAsync(ct => Probe(system, ports, ct), StartTimeout, cancellationToken).ConfigureAwait(false);
            readyMs = Clock.Seconds(server.Started, ready) * 1000;
            await using (ITarget first = TargetFactory.Create(system.Protocols[0], workloads[0], ports, 1, ReplyBytes(workloads[0])))
            await using (IRequestSender sender = await first.ConnectAsync(cancellationToken).ConfigureAwait(false))
            {
                await sender.SendAsync(cancellationToken).ConfigureAwait(false);
            }

            firstAnswerMs = Clock.Seconds(server.Started, Clock.Now) * 1000;
            idleRss = server.Sampler.Sample()?.RssKb / 1024.0;
            foreach (Workload workload in workloads)
            {
                foreach (string protocol in system.Protocols)
                {
                    IReadOnlyList<int> levels = system.Kind == "floor" ? [1] : plan.Concurrency(workload);
                    foreach (int concurrency in levels)
                    {
                        await MeasureAsync(system, server, workload, protocol, ports, new LoadOptions(concurrency, plan.WarmUp, plan.Duration(workload)), cancellationToken).ConfigureAwait(false);
                    }

                    foreach (OpenLoopCase open in plan.OpenLoop.Where(o => o.Workload == workload.Name && system.Kind != "floor"))
                    {
                        await MeasureAsync(system, server, workload, protocol, ports, new LoadOptions(open.Connections, plan.WarmUp, plan.Duration(workload), open.RatePerSecond), cancellationToken).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            status = $"failed: {ex.GetType().Name}: {ex.Message}";
            Console.Error.WriteLine($"!! {system.Name}: {status}");
        }
        finally
        {
            double? hwm = null;
            if (server is not null)
            {
                hwm = server.Sampler.Sample()?.PeakRssKb / 1024.0 ?? server.Sampler.Latest?.PeakRssKb / 1024.0;
                await server.DisposeAsync().ConfigureAwait(false);
            }

            results.Servers.Add(new ServerRecord
            {
                System = system.Name,
                Kind = system.Kind,
                Model = workloads[0].Model,
                CommandLine = launch.CommandLine,
                Settings = system.Settings,
                ReadyMs = readyMs,
                FirstAnswerMs = firstAnswerMs,
                IdleRssMb = idleRss,
                LifetimePeakRssMb = hwm,
                Status = status,
                Log = Path.GetRelativePath(outputDirectory, log),
            });
        }
    }

    private async Task MeasureAsync(SystemDefinition system, ServerProcess server, Workload workload, string protocol, Ports ports, LoadOptions options, CancellationToken cancellationToken)
    {
        string label = $"{system.Name} {workload.Name} {protocol} {options.Mode} c={options.Concurrency}" + (options.RatePerSecond is { } r ? $" @{r:0}/s" : "");
        await using ITarget target = TargetFactory.Create(protocol, workload, ports, options.Concurrency, ReplyBytes(workload));
        Uri? metrics = system.Kind == "aot" ? new Uri($"http://127.0.0.1:{ports.Http}/metrics") : null;
        long windowStart = Clock.Now + Clock.ToTicks(options.WarmUp);
        Task<LoadResult> run = LoadRunner.RunAsync(target, options, label, cancellationToken);
        // The allocation counter is read at the window's edges (the scrape itself allocates a little in the server).
        double? allocatedBefore = null;
        if (metrics is not null)
        {
            await Task.Delay(options.WarmUp, cancellationToken).ConfigureAwait(false);
            allocatedBefore = await AllocationGauge.ReadAsync(metrics, cancellationToken).ConfigureAwait(false);
        }

        LoadResult result = await run.ConfigureAwait(false);
        double? allocatedAfter = metrics is null ? null : await AllocationGauge.ReadAsync(metrics, cancellationToken).ConfigureAwait(false);
        ResourceWindow resources = server.Sampler.Window(windowStart, Clock.Now);
        if (server.HasExited)
        {
            result = result with { Errors = result.Errors + 1, FirstError = result.FirstError ?? "the server process exited during the run" };
        }

        RunRecord record = Record(system.Name, system.Kind, workload, protocol, options, result, resources);
        if (allocatedBefore is { } before && allocatedAfter is { } after && result.Completed > 0)
        {
            record = record with { ServerAllocatedBytesPerRequest = (after - before) / result.Completed };
        }

        results.Runs.Add(record);
    }

    private int ReplyBytes(Workload workload) => _replyBytes.GetValueOrDefault(workload.Name, 64);

    private static async Task<bool> Probe(SystemDefinition system, Ports ports, CancellationToken cancellationToken)
    {
        if (system.ReadyUrl(ports) is { } url)
        {
            using var http = new HttpClient();
            using HttpResponseMessage response = await http.GetAsync(url, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }

        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", ports.Tcp, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private static RunRecord Record(string system, string kind, Workload workload, string protocol, LoadOptions options, LoadResult result, ResourceWindow? resources) => new()
    {
        System = system,
        Kind = kind,
        Model = workload.Model,
        Workload = workload.Name,
        Protocol = protocol,
        Mode = options.Mode,
        Concurrency = options.Concurrency,
        RatePerSecond = options.RatePerSecond,
        P50Ms = result.Latency.P50,
        P90Ms = result.Latency.P90,
        P99Ms = result.Latency.P99,
        P999Ms = result.Latency.P999,
        MaxMs = result.Latency.Max,
        MeanMs = result.Latency.Mean,
        Throughput = result.Throughput,
        Requests = result.Completed,
        Errors = result.Errors,
        FirstError = result.FirstError,
        RssPeakMb = resources is { Samples: > 0 } ? resources.PeakRssMb : null,
        RssSteadyMb = resources is { Samples: > 0 } ? resources.SteadyRssMb : null,
        CpuSecondsPer1k = resources is { Samples: > 1 } && result.Completed > 0 ? resources.CpuSeconds / result.Completed * 1000 : null,
        WindowSeconds = result.Seconds,
        MeanSendLatenessMs = result.MeanLatenessMs,
    };
}
