using System.Net;
using System.Net.Sockets;
using System.Text.Json;
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
/// Runs a <see cref="SuitePlan"/>: per served model, the in-process floor, the echo floor (tensor workloads), then
/// every system that serves the model's workloads, started fresh (cold start measured) under the
/// <see cref="CpuPlacement"/>, every workload × protocol × concurrency against it, then its shared-window cases
/// (<see cref="SharedWindowCase"/>: two workloads' clients in one window), stopped. A system that fails to
/// start is recorded and the suite goes on. On the embedding workloads each system's vectors are kept from its first
/// answer and compared pairwise at the end (<see cref="EmbedAgreement"/>).
/// </summary>
internal sealed class SuiteRunner(SuitePlan plan, SystemCatalog catalog, CpuPlacement cpus, int threads, string outputDirectory, SuiteResults results)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    /// <summary>How long after a server's last window its RSS "after the load" is read: past Aot's 2 s idle release, with margin.</summary>
    public static readonly TimeSpan AfterLoadWait = TimeSpan.FromSeconds(5);
    private readonly Dictionary<string, int> _replyBytes = [];
    private readonly Dictionary<string, List<(string System, float[][] Vectors)>> _embeddings = [];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        string logs = Path.Combine(outputDirectory, "logs");
        Directory.CreateDirectory(logs);
        foreach (IGrouping<string, Workload> group in plan.Workloads.GroupBy(workload => workload.Model))
        {
            string modelPath = ModelStore.GetPath(group.First().StoreName);
            Workload[] tensors = [.. group.Where(w => !w.IsEmbedding)];
            if (tensors.Length > 0)
            {
                await RunInProcessAsync("in-process", group.Key, modelPath, tensors, cancellationToken).ConfigureAwait(false);
                Workload[] int8 = [.. tensors.Where(Int8Models.Serves)];
                if (plan.Int8 && int8.Length > 0)
                {
                    await RunInProcessAsync("in-process-int8", $"{group.Key}-int8", Int8Path(int8[0]), int8, cancellationToken).ConfigureAwait(false);
                }

                foreach (Workload workload in tensors)
                {
                    await RunServerAsync(catalog.Echo(_replyBytes[workload.Name]), [workload], modelPath, logs, cancellationToken).ConfigureAwait(false);
                }
            }

            foreach (string name in plan.Systems)
            {
                SystemDefinition system = Definition(name);
                foreach (Workload excluded in group.Where(w => SuitePlan.Covers(name, w) && system.ProtocolsFor(w).Count > 0 && plan.Levels(w, name).Count == 0))
                {
                    results.Skipped.Add(new SkippedSystem($"{name} on {excluded.Name}", plan.Limit(excluded, name)!.Reason));
                }

                Workload[] served = [.. group.Where(w => SuitePlan.Covers(name, w) && system.ProtocolsFor(w).Count > 0 && (system.Kind == "floor" || plan.Levels(w, name).Count > 0))];
                if (served.Length == 0)
                {
                    continue;
                }

                await RunServerAsync(system, served, system.Int8 ? Int8Path(served[0]) : modelPath, logs, cancellationToken).ConfigureAwait(false);
            }
        }

        foreach ((string workload, List<(string System, float[][] Vectors)> answers) in _embeddings)
        {
            for (int i = 0; i < answers.Count; i++)
            {
                for (int j = i + 1; j < answers.Count; j++)
                {
                    results.EmbedAgreement.Add(EmbedAgreement.Compare(workload, answers[i].System, answers[i].Vectors, answers[j].System, answers[j].Vectors));
                }
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
        "aot-int8" => catalog.AotInt8,
        "node-int8" => catalog.NodeInt8,
        _ => throw new ArgumentException($"Unknown system '{name}'."),
    };

    /// <summary>The int8 file for <paramref name="workload"/> (the suite was given no int8 folder: an error, as the plan has int8 systems).</summary>
    private string Int8Path(Workload workload) => Int8Models.PathFor(
        catalog.Int8Directory ?? throw new InvalidOperationException("The plan has int8 systems but no --int8-dir was given."), workload);

    private async Task RunInProcessAsync(string system, string model, string modelPath, IReadOnlyList<Workload> workloads, CancellationToken cancellationToken)
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
                LoadOptions options = plan.Options(workload, 1);
                LoadResult result = await LoadRunner.RunAsync(target, options, $"{system} {workload.Name} c=1", cancellationToken).ConfigureAwait(false);
                results.Runs.Add(RunRecord.Create(system, "floor", workload, "in-process", options, result, null));
            }
        }
    }

    private async Task RunServerAsync(SystemDefinition system, IReadOnlyList<Workload> workloads, string modelPath, string logs, CancellationToken cancellationToken)
    {
        Ports ports = Ports.Allocate();
        ServerLaunch launch = cpus.Apply(system.Launch(workloads[0], modelPath, ports));
        string log = Path.Combine(logs, $"{system.Name}-{workloads[0].Name}.log");
        Console.Error.WriteLine($"== {system.Name} on {string.Join(", ", workloads.Select(w => w.Name))}: {launch.CommandLine}");
        ServerProcess? server = null;
        double? readyMs = null;
        double? firstAnswerMs = null;
        double? idleRss = null;
        double? afterLoadRss = null;
        string status = "ok";
        try
        {
            server = ServerProcess.Start(launch, log);
            long ready = await server.WaitReadyAsync(ct => Probe(system, ports, ct), StartTimeout, cancellationToken).ConfigureAwait(false);
            readyMs = Clock.Seconds(server.Started, ready) * 1000;
            if (workloads[0].IsEmbedding)
            {
                // The first answer of each embedding workload is also the one whose vectors are compared across systems.
                foreach (Workload workload in workloads)
                {
                    float[][] vectors = await EmbedOnceAsync(workload, ports, cancellationToken).ConfigureAwait(false);
                    firstAnswerMs ??= Clock.Seconds(server.Started, Clock.Now) * 1000;
                    // int8 vectors are compared with int8 ones only: against fp32 they differ by the quantization error
                    // (cosine ~0.99, docs/quantization.md), not by a serving bug, and would fail the 0.999 check.
                    string key = system.Int8 ? $"{workload.Name} (int8)" : workload.Name;
                    if (!_embeddings.TryGetValue(key, out List<(string, float[][])>? answers))
                    {
                        _embeddings[key] = answers = [];
                    }

                    answers.Add((system.Name, vectors));
                }
            }
            else
            {
                await using (ITarget first = TargetFactory.Create(system.Protocols[0], workloads[0], ports, 1, ReplyBytes(workloads[0])))
                await using (IRequestSender sender = await first.ConnectAsync(cancellationToken).ConfigureAwait(false))
                {
                    await sender.SendAsync(cancellationToken).ConfigureAwait(false);
                }

                firstAnswerMs = Clock.Seconds(server.Started, Clock.Now) * 1000;
            }

            idleRss = server.Sampler.Sample()?.RssKb / 1024.0;
            foreach (Workload workload in workloads)
            {
                foreach (string protocol in system.ProtocolsFor(workload))
                {
                    IReadOnlyList<int> levels = system.Kind == "floor" ? [1] : plan.Levels(workload, system.Name);
                    foreach (int concurrency in levels)
                    {
                        await MeasureAsync(system, server, workload, protocol, ports, plan.Options(workload, concurrency), cancellationToken).ConfigureAwait(false);
                    }

                    foreach (OpenLoopCase open in plan.OpenLoop.Where(o => o.Workload == workload.Name && system.Kind != "floor"))
                    {
                        await MeasureAsync(system, server, workload, protocol, ports, plan.Options(workload, open.Connections, open.RatePerSecond), cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            if (system.Kind != "floor")
            {
                await Task.Delay(AfterLoadWait, cancellationToken).ConfigureAwait(false);
                afterLoadRss = server.Sampler.Sample()?.RssKb / 1024.0;
            }

            if (system.Kind != "floor")
            {
                foreach (SharedWindowCase shared in plan.SharedWindowsOf(system.Name, workloads))
                {
                    await MeasureSharedAsync(system, server, ports, shared, workloads, cancellationToken).ConfigureAwait(false);
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
                AfterLoadRssMb = afterLoadRss,
                LifetimePeakRssMb = hwm,
                Status = status,
                Log = Path.GetRelativePath(outputDirectory, log),
            });
        }
    }

    private Task MeasureAsync(SystemDefinition system, ServerProcess server, Workload workload, string protocol, Ports ports, LoadOptions options, CancellationToken cancellationToken) =>
        MeasureTogetherAsync(system, server, ports, [new WindowRun(workload, workload.Name, protocol, options, null)], cancellationToken);

    private Task MeasureSharedAsync(SystemDefinition system, ServerProcess server, Ports ports, SharedWindowCase shared, IReadOnlyList<Workload> served, CancellationToken cancellationToken)
    {
        Workload probe = served.First(w => w.Name == shared.Probe);
        Workload load = served.First(w => w.Name == shared.Load);
        (LoadOptions probeOptions, LoadOptions loadOptions) = plan.SharedOptions(shared, probe, load);
        // The load is held open until the probe's run has ended, so every probe request runs under it.
        return MeasureTogetherAsync(system, server, ports,
        [
            new WindowRun(probe, shared.ProbeRecord, "embed-http", probeOptions, shared.ProbeSharedWith),
            new WindowRun(load, shared.LoadRecord, "embed-http", loadOptions, shared.LoadSharedWith) { HeldOpen = true },
        ], cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="runs"/> against one server at once (one <see cref="LoadRunner"/> run each) and records each.
    /// Aot's /metrics is read at the window's edges (after the warm-up, after the last run): the allocation counter
    /// (the scrape itself allocates a little in the server) and the batch token counters, whose difference is the
    /// padding waste of the batches run in the window.
    /// </summary>
    private async Task MeasureTogetherAsync(SystemDefinition system, ServerProcess server, Ports ports, IReadOnlyList<WindowRun> runs, CancellationToken cancellationToken)
    {
        TimeSpan warmUp = runs[0].Options.WarmUp;
        Uri? metrics = system.Kind == "aot" ? new Uri($"http://127.0.0.1:{ports.Http}/metrics") : null;
        long windowStart = Clock.Now + Clock.ToTicks(warmUp);
        var targets = new List<ITarget>();
        try
        {
            var running = new List<Task<LoadResult>>();
            foreach (WindowRun run in runs)
            {
                string label = $"{system.Name} {run.Record} {run.Protocol} {run.Options.Mode} c={run.Options.Concurrency}" + (run.Options.RatePerSecond is { } r ? $" @{r:0}/s" : "");
                ITarget target = TargetFactory.Create(run.Protocol, run.Workload, ports, run.Options.Concurrency, ReplyBytes(run.Workload));
                targets.Add(target);
                Task? hold = run.HeldOpen ? Task.WhenAll(running) : null;
                running.Add(LoadRunner.RunAsync(target, run.Options, label, cancellationToken, hold));
            }

            string? before = null;
            if (metrics is not null)
            {
                await Task.Delay(warmUp, cancellationToken).ConfigureAwait(false);
                before = await MetricsScrape.ReadAsync(metrics, cancellationToken).ConfigureAwait(false);
            }

            LoadResult[] results = await Task.WhenAll(running).ConfigureAwait(false);
            string? after = metrics is null ? null : await MetricsScrape.ReadAsync(metrics, cancellationToken).ConfigureAwait(false);
            ResourceWindow resources = server.Sampler.Window(windowStart, Clock.Now);
            double? allocated = AllocationGauge.Parse(after) - AllocationGauge.Parse(before);
            double? waste = BatchTokenCounters.WasteBetween(BatchTokenCounters.Parse(before), BatchTokenCounters.Parse(after));
            long completed = results.Sum(r => r.Completed);
            for (int i = 0; i < runs.Count; i++)
            {
                Record(system, server, runs[i], results[i], resources, completed > 0 ? allocated / completed : null, waste);
            }
        }
        finally
        {
            foreach (ITarget target in targets)
            {
                await target.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private void Record(SystemDefinition system, ServerProcess server, WindowRun run, LoadResult result, ResourceWindow resources, double? allocatedPerRequest, double? waste)
    {
        if (server.HasExited)
        {
            result = result with { Errors = result.Errors + 1, FirstError = result.FirstError ?? "the server process exited during the run" };
        }

        if (!result.Measured)
        {
            Console.Error.WriteLine($"!! {system.Name} {run.Record} {run.Protocol} c={run.Options.Concurrency}: NOT MEASURED: {result.Note}");
        }

        results.Runs.Add(RunRecord.Create(system.Name, system.Kind, run.Workload, run.Protocol, run.Options, result, resources) with
        {
            Workload = run.Record,
            ServerAllocatedBytesPerRequest = allocatedPerRequest,
            ServerPaddingWaste = waste,
            SharedWindowWith = run.SharedWith,
        });
    }

    /// <summary>
    /// One load run of a window: its workload, the name its record carries, and who shares the window (null: none);
    /// <see cref="HeldOpen"/>: its window stays open until the runs listed before it have ended.
    /// </summary>
    private sealed record WindowRun(Workload Workload, string Record, string Protocol, LoadOptions Options, string? SharedWith)
    {
        public bool HeldOpen { get; init; }
    }

    /// <summary>Posts an embedding workload's body once and returns the vectors (one per text, checked).</summary>
    private static async Task<float[][]> EmbedOnceAsync(Workload workload, Ports ports, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(120) };
        using var content = new ByteArrayContent(workload.EmbedBody!);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using HttpResponseMessage response = await http.PostAsync(new Uri($"http://127.0.0.1:{ports.Http}/embed"), content, cancellationToken).ConfigureAwait(false);
        string text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            string hint = response.StatusCode == HttpStatusCode.NotFound ? " (no /embed: is the model's vocab.txt next to it, or --vocab given?)" : "";
            throw new HttpRequestException($"POST /embed ({workload.Name}) answered {(int)response.StatusCode}{hint}: {text[..Math.Min(200, text.Length)]}");
        }

        float[][] vectors = JsonSerializer.Deserialize<float[][]>(text)
            ?? throw new FormatException($"POST /embed ({workload.Name}) answered null instead of an array of vectors.");
        if (vectors.Length != workload.Texts!.Count)
        {
            throw new FormatException($"POST /embed ({workload.Name}) answered {vectors.Length} vectors for {workload.Texts.Count} texts.");
        }

        return vectors;
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
}
