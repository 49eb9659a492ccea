using System.Diagnostics;
using System.Globalization;
using Aot.Client;
using Aot.Server.Hosting;

namespace Aot.Server.Tuning;

/// <summary>
/// Runs <c>aot tune</c>: every point is a real in-process server (<see cref="InProcessServer"/>: the same option parsing,
/// config reader, batchers and runners as <c>aot serve</c>) started with the point written as the model's config file,
/// and driven over loopback by <see cref="LoadDriver"/>. The search is coarse-to-fine (docs/tuning.md): each
/// threads × workers pair at three batch sizes, then a hill-climb over the batch size of the two best pairs, then the
/// batching delay of the best, then the three best re-measured over a window twice as long, which decides.
/// </summary>
internal sealed class TuneSearch(TuneRequest request, TextWriter output)
{
    private readonly List<TuneRow> _rows = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly string _scratch = Directory.CreateTempSubdirectory("aot-tune-").FullName;
    private TuneWorkload? _workload;
    private TimeSpan _overhead = TimeSpan.FromSeconds(2);

    public IReadOnlyList<TuneRow> Rows => _rows;

    /// <summary>Searches (or measures every point, or the given files) and returns the chosen row, or null when none meets the SLO.</summary>
    public async Task<TuneRow?> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (request.Evaluate.Count > 0)
            {
                await EvaluateAsync(cancellationToken).ConfigureAwait(false);
                return null;
            }

            TuneSpace space = TuneSpace.ForCores(request.Cores);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"aot tune: {request.Name} ({request.Path}); {request.Strategy} search over {space.Count} points (threads×workers {string.Join(" ", space.ThreadsAndWorkers.Select(static p => $"{p.Threads}×{p.Workers}"))}; max_batch {string.Join(" ", space.MaxBatches)}; max_delay_us {string.Join(" ", space.MaxDelaysMicros)}); concurrency {string.Join(",", request.Concurrencies)}; objective {request.Objective}{(request.SloMs is { } slo ? $", p99 ≤ {slo} ms" : "")}; budget {request.Budget.TotalSeconds:F0} s; window {request.Window.TotalSeconds:F1} s (confirm {2 * request.Window.TotalSeconds:F1} s)"));
            if (request.Strategy == "grid")
            {
                foreach (TunePoint point in space.All())
                {
                    if (!CanAfford(request.Window))
                    {
                        output.WriteLine("budget spent: the grid stops here");
                        break;
                    }

                    await MeasureAsync("grid", point, request.Window, cancellationToken).ConfigureAwait(false);
                }
            }
            else
            {
                await CoarseToFineAsync(space, cancellationToken).ConfigureAwait(false);
            }

            await ConfirmAsync(cancellationToken).ConfigureAwait(false);
            return Choose();
        }
        finally
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }

    private async Task CoarseToFineAsync(TuneSpace space, CancellationToken cancellationToken)
    {
        IReadOnlyList<int> batches = space.MaxBatches;
        int[] coarse = [.. new[] { batches[0], batches[batches.Count / 2], batches[^1] }.Distinct()];
        foreach ((int threads, int workers) in space.ThreadsAndWorkers)
        {
            foreach (int batch in coarse)
            {
                await TryMeasureAsync("coarse", new TunePoint(threads, workers, batch, 0), cancellationToken).ConfigureAwait(false);
            }
        }

        // Hill-climb the batch size of the two best pairs: measure the untried neighbours of a pair's best batch until
        // its best has measured neighbours on both sides (throughput against batch size is unimodal in practice).
        var pairs = _rows.Where(static r => r.Point is not null).GroupBy(static r => (r.Point!.IntraOpThreads, r.Point.Workers))
            .OrderByDescending(g => g.Max(Score)).Take(2).Select(static g => g.Key).ToList();
        foreach ((int threads, int workers) in pairs)
        {
            while (true)
            {
                TuneRow best = _rows.Where(r => r.Point is { } p && p.IntraOpThreads == threads && p.Workers == workers && p.MaxDelayMicros == 0).MaxBy(Score)!;
                int at = IndexOf(batches, best.Point!.MaxBatch);
                TunePoint[] next = [.. new[] { at - 1, at + 1 }.Where(i => i >= 0 && i < batches.Count)
                    .Select(i => new TunePoint(threads, workers, batches[i], 0)).Where(p => !Measured(p))];
                if (next.Length == 0)
                {
                    break;
                }

                foreach (TunePoint point in next)
                {
                    await TryMeasureAsync("batch", point, cancellationToken).ConfigureAwait(false);
                }

                if (!CanAfford(request.Window))
                {
                    break;
                }
            }
        }

        if (_rows.Where(static r => r.Point is not null).MaxBy(Score) is not { } leader)
        {
            return; // the budget allowed no point
        }

        foreach (int delay in space.MaxDelaysMicros.Where(d => d != leader.Point!.MaxDelayMicros))
        {
            await TryMeasureAsync("delay", leader.Point! with { MaxDelayMicros = delay }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The three best points again over a window twice as long, in rounds (one of each, then again) while the budget
    /// lasts: one short window is noisy, the leaders are often within a few percent, and interleaved rounds let a drift
    /// of the machine hit them alike. The mean of a point's confirmations decides.
    /// </summary>
    private async Task ConfirmAsync(CancellationToken cancellationToken)
    {
        TunePoint[] top = [.. _rows.Where(r => r.Point is not null && r.Meets(request.SloMs)).OrderByDescending(Score).Select(static r => r.Point!).Distinct().Take(3)];
        for (int round = 1; top.Length > 0; round++)
        {
            foreach (TunePoint point in top)
            {
                if (!CanAfford(2 * request.Window))
                {
                    if (round == 1)
                    {
                        output.WriteLine("budget spent: not every leader re-measured");
                    }

                    return;
                }

                await MeasureAsync("confirm", point, 2 * request.Window, cancellationToken).ConfigureAwait(false);
            }

            // The grid and a search that ends early both stop after one round: more rounds only refine the choice.
            if (request.Strategy == "grid" || round >= MaxConfirmRounds || !CanAfford(2 * request.Window * top.Length))
            {
                return;
            }
        }
    }

    private const int MaxConfirmRounds = 4;

    /// <summary>The best point by the mean of its confirmations (every one meeting the SLO); the best row when none was confirmed.</summary>
    private TuneRow? Choose()
    {
        var confirmed = _rows.Where(static r => r.Point is not null && r.Stage == "confirm").GroupBy(static r => r.Point!)
            .Where(g => g.All(r => r.Meets(request.SloMs))).ToList();
        if (confirmed.Count > 0)
        {
            IGrouping<TunePoint, TuneRow> best = confirmed.MaxBy(g => g.Average(Score))!;
            // The row shown as chosen: the point's confirmation closest to its mean.
            double mean = best.Average(static r => r.Throughput);
            return best.MinBy(r => Math.Abs(r.Throughput - mean));
        }

        return _rows.Where(r => r.Point is not null && r.Meets(request.SloMs)).MaxBy(Score);
    }

    private async Task EvaluateAsync(CancellationToken cancellationToken)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"aot tune --evaluate: {request.Evaluate.Count} config files, {request.Rounds} rounds of {2 * request.Window.TotalSeconds:F1} s each, interleaved; concurrency {string.Join(",", request.Concurrencies)}"));
        for (int round = 1; round <= request.Rounds; round++)
        {
            foreach (string file in request.Evaluate)
            {
                await MeasureFileAsync($"round {round}", Path.GetFileName(file), Path.GetFullPath(file), null, 2 * request.Window, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private double Score(TuneRow row)
    {
        double value = request.Objective == "latency" ? -row.P99Ms : row.Throughput;
        // Points that break the SLO or fail requests rank below every point that does not.
        return row.Meets(request.SloMs) ? value : value - 1e12;
    }

    private bool Measured(TunePoint point) => _rows.Any(r => r.Point == point);

    private static int IndexOf(IReadOnlyList<int> values, int value)
    {
        for (int i = 0; i < values.Count; i++)
        {
            if (values[i] == value)
            {
                return i;
            }
        }

        return -1;
    }

    private TimeSpan Cost(TimeSpan window) => _overhead + ((request.Warmup + window) * request.Concurrencies.Count);

    // Kept back from the budget for stopping the last server, the table and the file: the whole command ends within it.
    private TimeSpan Reserve => TimeSpan.FromSeconds(Math.Max(2, request.Budget.TotalSeconds * 0.02));

    private bool CanAfford(TimeSpan window) => _clock.Elapsed + Cost(window) + Reserve <= request.Budget;

    private async Task TryMeasureAsync(string stage, TunePoint point, CancellationToken cancellationToken)
    {
        if (!Measured(point) && CanAfford(request.Window))
        {
            await MeasureAsync(stage, point, request.Window, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task MeasureAsync(string stage, TunePoint point, TimeSpan window, CancellationToken cancellationToken)
    {
        string file = Path.Combine(_scratch, $"point-{_rows.Count + 1}.json");
        await File.WriteAllTextAsync(file, point.ToConfigJson(), cancellationToken).ConfigureAwait(false);
        await MeasureFileAsync(stage, point.ToString(), file, point, window, cancellationToken).ConfigureAwait(false);
    }

    private async Task MeasureFileAsync(string stage, string label, string configFile, TunePoint? point, TimeSpan window, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        var measurements = new List<Measurement>();
        InProcessServer server = await InProcessServer.StartAsync(
            ["--model", $"{request.Name}={request.Path}", "--config", $"{request.Name}={configFile}", .. request.ServeArguments],
            request.Verbose ? line => output.WriteLine("  server: " + line) : static _ => { }).ConfigureAwait(false);
        await using (server.ConfigureAwait(false))
        {
            _workload ??= await request.CreateWorkload(server, cancellationToken).ConfigureAwait(false);
            foreach (int concurrency in request.Concurrencies)
            {
                measurements.Add(await LoadDriver.MeasureAsync(_workload, server.BinaryPort, server.HttpPort, concurrency, request.Warmup, window, cancellationToken).ConfigureAwait(false));
            }
        }

        TimeSpan spent = Stopwatch.GetElapsedTime(started);
        _overhead = spent - ((request.Warmup + window) * request.Concurrencies.Count);
        var row = new TuneRow(_rows.Count + 1, stage, label, point, window, measurements);
        _rows.Add(row);
        TimeSpan left = request.Budget - _clock.Elapsed;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[point {row.Index}, {stage}] {label}: {row.Describe()}{(row.Meets(request.SloMs) ? "" : " (fails the SLO)")}; {(left > TimeSpan.Zero ? $"{left.TotalSeconds:F0} s of budget left" : "budget spent")}"));
    }
}

/// <summary>What <c>aot tune</c> was asked.</summary>
internal sealed record class TuneRequest(string Name, string Path)
{
    public IReadOnlyList<int> Concurrencies { get; init; } = [16];

    public string Objective { get; init; } = "throughput";

    public double? SloMs { get; init; }

    public TimeSpan Budget { get; init; } = TimeSpan.FromMinutes(3);

    public string Strategy { get; init; } = "coarse-to-fine";

    /// <summary>The measuring window of the search (confirmations take twice this).</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(3);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(0.5);

    public int Cores { get; init; } = Environment.ProcessorCount;

    public IReadOnlyList<string> Evaluate { get; init; } = [];

    public int Rounds { get; init; } = 3;

    public IReadOnlyList<string> ServeArguments { get; init; } = [];

    public bool Verbose { get; init; }

    /// <summary>Builds the workload once the first server is up (tensor shapes come from the model's metadata).</summary>
    public required Func<InProcessServer, CancellationToken, Task<TuneWorkload>> CreateWorkload { get; init; }

    public static Func<InProcessServer, CancellationToken, Task<TuneWorkload>> TensorWorkload(string name, IReadOnlyDictionary<string, long[]> shapes) =>
        async (server, cancellationToken) =>
        {
            await using AotClient client = await AotClient.ConnectAsync("127.0.0.1", server.BinaryPort, cancellationToken).ConfigureAwait(false);
            return TuneWorkload.Tensors(name, await client.GetMetadataJsonAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false), shapes);
        };
}
