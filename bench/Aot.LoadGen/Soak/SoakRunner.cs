using System.Globalization;
using Aot.LoadGen.Load;
using Aot.LoadGen.Resources;
using Aot.LoadGen.Results;
using Aot.LoadGen.Soak.Faults;
using Aot.LoadGen.Systems;
using Aot.LoadGen.Targets;
using Aot.LoadGen.Workloads;
using Grpc.Net.Client;
using Inference;

namespace Aot.LoadGen.Soak;

/// <summary>
/// One soak: starts the server, asks the /embed reference vectors, reads the idle fds and threads, then for the given
/// minutes runs the checked clients (KServe HTTP, binary, gRPC, /embed), the fault clients and the health probe while sampling
/// the server every interval; stops the load, waits for fds and threads to come back to idle, stops the server with
/// SIGTERM and evaluates the criteria.
/// </summary>
internal static class SoakRunner
{
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan IdleSampleEvery = TimeSpan.FromSeconds(5);

    public static async Task<SoakResults> RunAsync(SoakSettings settings, CancellationToken cancellationToken)
    {
        DateTime startedUtc = DateTime.UtcNow;
        string loadAverageAtStart = MachineInfo.LoadAverageNow();
        Ports ports = Ports.Allocate();
        ServerLaunch launch = settings.Launch(ports);
        var health = new Uri($"http://127.0.0.1:{ports.Http}/v2/health/ready");
        await using ServerProcess server = ServerProcess.Start(launch, Path.Combine(settings.OutputDirectory, "server.log"));
        using (var probe = new HttpClient())
        {
            await server.WaitReadyAsync(async ct => (await probe.GetAsync(health, ct).ConfigureAwait(false)).IsSuccessStatusCode, TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        }

        var tiny = new TinyRequests(new TinyReference());
        using HttpClient client = HttpJsonTarget.CreateClient(settings.HttpClients + settings.EmbedClients, settings.LostAfter + TimeSpan.FromSeconds(5));
        var embedUrl = new Uri($"http://127.0.0.1:{ports.Http}/embed");
        EmbedReference embed = await EmbedReference.FetchAsync(client, embedUrl, EmbedReference.LongestFirst(EmbedTexts.Mixed), cancellationToken).ConfigureAwait(false);
        GrpcChannel? channel = settings.GrpcClients > 0 ? GrpcChannel.ForAddress($"http://127.0.0.1:{ports.Grpc}") : null;
        var grpcClient = channel is null ? null : new GRPCInferenceService.GRPCInferenceServiceClient(channel);
        ProtocolTally http = new("kserve-http"), binary = new("binary"), grpc = new("grpc"), embedding = new("embed-http");
        ProtocolTally[] tallies = [.. new[] { (http, settings.HttpClients), (binary, settings.BinaryConnections), (grpc, settings.GrpcClients), (embedding, settings.EmbedClients) }.Where(t => t.Item2 > 0).Select(t => t.Item1)];
        await CheckServesAsync(new HttpCheckedSender("kserve-http", client, InferUrl(ports), tiny), settings).ConfigureAwait(false);
        if (grpcClient is not null)
        {
            await CheckServesAsync(new GrpcCheckedSender(grpcClient, tiny), settings).ConfigureAwait(false);
        }

        // Idle: started, references asked, nothing in flight.
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
        var sampler = new SoakSampler(server.Pid, new Uri($"http://127.0.0.1:{ports.Http}/metrics"), tallies);
        SoakSample idleBefore = await sampler.TakeAsync(-1, "idle-before", cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException("The server exited before the load.");
        IReadOnlyDictionary<string, int> threadsBefore = ProcessVitals.ThreadNames(server.Pid);
        Log(idleBefore);

        using var prober = new HealthProber(health);
        using var stopProbe = new CancellationTokenSource();
        Task probing = prober.RunAsync(stopProbe.Token);
        var faults = new FaultTally();
        long loadStart = Clock.Now;
        using (var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var binarySlots = Enumerable.Range(0, settings.BinaryConnections).Select(_ => new BinaryConnectionSlot("127.0.0.1", ports.Tcp)).ToArray();
            // Tiny clients start spread over the requests; /embed client i starts at request i, one of the largest.
            var senders = new List<(ICheckedSender Sender, ProtocolTally Tally, int First)>();
            senders.AddRange(Enumerable.Range(0, settings.HttpClients).Select(i => ((ICheckedSender)new HttpCheckedSender("kserve-http", client, InferUrl(ports), tiny), http, i * 7)));
            senders.AddRange(binarySlots.SelectMany(slot => Enumerable.Range(0, settings.BinaryDepth).Select(_ => new BinaryTinySender(slot, tiny)))
                .Select((sender, i) => ((ICheckedSender)sender, binary, (i * 7) + 3)));
            senders.AddRange(Enumerable.Range(0, grpcClient is null ? 0 : settings.GrpcClients).Select(i => ((ICheckedSender)new GrpcCheckedSender(grpcClient!, tiny), grpc, (i * 7) + 5)));
            senders.AddRange(Enumerable.Range(0, settings.EmbedClients).Select(i => ((ICheckedSender)new HttpCheckedSender("embed-http", client, embedUrl, embed), embedding, i)));
            Task load = Task.WhenAll(senders.Select(s => Task.Run(() => CheckedLoop.RunAsync(s.Sender, s.Tally, s.First, settings.LostAfter, stopLoad.Token), CancellationToken.None)));
            var faultContext = new FaultContext("127.0.0.1", ports.Http, ports.Tcp, tiny.Reference, settings.MaxPayloadBytes);
            Task faulting = FaultRunner.RunAsync(settings.Faults, faultContext, faults, stopLoad.Token);

            TimeSpan duration = TimeSpan.FromMinutes(settings.Minutes);
            using var timer = new PeriodicTimer(settings.SampleEvery);
            while (Clock.Seconds(loadStart, Clock.Now) < duration.TotalSeconds - 0.5 && await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                SoakSample? sample = await sampler.TakeAsync(Clock.Seconds(loadStart, Clock.Now), "load", cancellationToken).ConfigureAwait(false);
                if (sample is null)
                {
                    break;
                }

                Log(sample, faults);
            }

            if (Clock.Seconds(loadStart, Clock.Now) < duration.TotalSeconds)
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, duration.TotalSeconds - Clock.Seconds(loadStart, Clock.Now))), cancellationToken).ConfigureAwait(false);
            }

            await stopLoad.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(load, faulting).ConfigureAwait(false);
            foreach (BinaryConnectionSlot slot in binarySlots)
            {
                await slot.DisposeAsync().ConfigureAwait(false);
            }

            // The last interval: from the stop until every request in flight was answered (not a load sample: the clients stopped sending).
            if (await sampler.TakeAsync(Clock.Seconds(loadStart, Clock.Now), "stopping", cancellationToken).ConfigureAwait(false) is { } last)
            {
                Log(last, faults);
            }
        }

        // The clients' connections close before the idle wait, so fds and threads can come back to their idle counts.
        client.Dispose();
        channel?.Dispose();
        long loadEnd = Clock.Now;
        (SoakSample idleAfter, double? backToIdle, int onceStarted) = await WaitForIdleAsync(sampler, idleBefore, threadsBefore, server.Pid, loadStart, loadEnd, settings.IdleWait, cancellationToken).ConfigureAwait(false);
        string threadChanges = ProcessVitals.ThreadChanges(threadsBefore, ProcessVitals.ThreadNames(server.Pid));
        await stopProbe.CancelAsync().ConfigureAwait(false);
        await probing.ConfigureAwait(false);
        await server.StopAsync().ConfigureAwait(false);

        ProtocolSummary[] protocols = [.. tallies.Select(ProtocolSummary.From)];
        var healthSummary = new HealthSummary(prober.Answered, prober.Failed, Math.Round(prober.SlowestMs, 1), prober.FirstFailure);
        IReadOnlyList<FaultCount> faultCounts = faults.Counts;
        return new SoakResults
        {
            StartedUtc = startedUtc,
            Minutes = settings.Minutes,
            Machine = MachineInfo.Current(),
            LoadAverageAtStart = loadAverageAtStart,
            LoadAverageAtEnd = MachineInfo.LoadAverageNow(),
            Server = launch.CommandLine,
            Clients = settings.DescribeClients(),
            IdleBefore = idleBefore,
            IdleAfter = idleAfter,
            SecondsBackToIdle = backToIdle,
            ThreadChanges = threadChanges,
            Samples = sampler.Samples,
            Protocols = protocols,
            Faults = faultCounts,
            Health = healthSummary,
            Criteria = SoakCriteria.Evaluate(protocols, sampler.Samples, idleBefore, idleAfter, healthSummary, faultCounts, settings.GateAll, onceStarted),
            ServerExitCode = server.ExitCode,
        };
    }

    /// <summary>
    /// Polls until fds and threads are at or below their idle counts (threads: plus the once-started runtime threads that
    /// appeared since, <see cref="ProcessVitals.OnceStartedThreads"/>), or the wait is over; the last reading, when it was
    /// reached, and how many once-started threads it allowed.
    /// </summary>
    private static async Task<(SoakSample Last, double? BackToIdle, int OnceStarted)> WaitForIdleAsync(SoakSampler sampler, SoakSample idle, IReadOnlyDictionary<string, int> threadsBefore,
        int pid, long loadStart, long loadEnd, TimeSpan wait, CancellationToken cancellationToken)
    {
        long lastKept = Clock.Now;
        while (true)
        {
            await Task.Delay(IdlePoll, cancellationToken).ConfigureAwait(false);
            double sinceEnd = Clock.Seconds(loadEnd, Clock.Now);
            SoakSample sample = await sampler.TakeAsync(Clock.Seconds(loadStart, Clock.Now), "idle-after", cancellationToken).ConfigureAwait(false) ?? throw new InvalidOperationException("The server exited while idle after the load.");
            int onceStarted = ProcessVitals.OnceStartedSince(threadsBefore, ProcessVitals.ThreadNames(pid));
            bool back = sample.OpenFds <= idle.OpenFds && sample.Threads <= idle.Threads + onceStarted;
            if (back || sinceEnd >= wait.TotalSeconds)
            {
                Log(sample);
                return (sample, back ? Math.Round(sinceEnd, 1) : null, onceStarted);
            }

            // Keep a reading every few seconds for the chart; drop the ones between.
            if (Clock.Seconds(lastKept, Clock.Now) >= IdleSampleEvery.TotalSeconds)
            {
                lastKept = Clock.Now;
                Log(sample);
            }
            else
            {
                sampler.DropLast();
            }
        }
    }

    /// <summary>One request before the load, so a server answering wrongly fails at once with a clear message.</summary>
    private static async Task CheckServesAsync(ICheckedSender sender, SoakSettings settings)
    {
        var tally = new ProtocolTally(sender.Protocol);
        (AnswerOutcome outcome, _) = await CheckedLoop.SendOnceAsync(sender, tally, 0, settings.LostAfter).ConfigureAwait(false);
        if (outcome != AnswerOutcome.Correct)
        {
            throw new InvalidOperationException($"The idle server's first tiny answer was {outcome}: {string.Join("; ", tally.FailureExamples)}");
        }
    }

    private static Uri InferUrl(Ports ports) => new($"http://127.0.0.1:{ports.Http}/v2/models/tiny/infer");

    private static void Log(SoakSample sample, FaultTally? faults = null) => Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"soak {sample.Phase,-11} {sample.Seconds,6:0}s rss {sample.RssMb,7:0.0} MB gc {sample.GcHeapMb,5:0.0} MB fds {sample.OpenFds,4} threads {sample.Threads,3} load {sample.LoadAverage:0.00} | ")
        + string.Join(" | ", sample.Protocols.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Protocol} {p.Correct} ok {p.Overloads} 429 {p.Failures} fail p99 {p.P99Ms:0.0} ms")))
        + (faults is null ? "" : $" | faults {faults.Counts.Sum(f => f.Count)} ({faults.Unexpected} unexpected)"));
}
