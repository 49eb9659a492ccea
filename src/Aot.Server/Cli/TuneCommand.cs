using System.CommandLine;
using System.Globalization;
using Aot.Server.Hosting;
using Aot.Server.Tuning;

namespace Aot.Server.Cli;

/// <summary>
/// <c>aot tune</c>: finds a model's threads, workers, max batch and batching delay by measuring the real server under
/// load (docs/tuning.md), and writes the best that meets the SLO as the model's config file.
/// </summary>
internal static class TuneCommand
{
    /// <summary>Exit code when no point meets <c>--p99-slo-ms</c>: nothing is written.</summary>
    public const int NoPointMeetsSlo = 2;

    public static Command Create()
    {
        var model = new Option<string>("--model", "-m") { Description = "The model to tune, as NAME=PATH.", Required = true };
        var concurrency = new Option<string>("--concurrency") { Description = "Clients sending back to back, one request in flight each; N or N,N,... (every point is measured at each; throughput is their mean, p99 their worst).", DefaultValueFactory = _ => "16" };
        var shapes = new Option<string[]>("--shape") { Description = "An input's shape, as NAME=DIMS (e.g. input_ids=1,16; repeatable). Fixed dimensions need none; other inputs of the same rank share the dynamic sizes.", Arity = ArgumentArity.ZeroOrMore };
        var texts = new Option<string?>("--texts") { Description = "A text model: one text per line, each request POSTs one to /models/NAME/embed (instead of tensors over the binary protocol)." };
        var objective = new Option<string>("--objective") { Description = "throughput (most requests/s) or latency (lowest p99).", DefaultValueFactory = _ => "throughput" };
        objective.AcceptOnlyFromAmong("throughput", "latency");
        var slo = new Option<double?>("--p99-slo-ms") { Description = "Only points whose p99 latency (ms) is at most this qualify; none does: exit code 2, nothing written." };
        var budget = new Option<string>("--budget") { Description = "Wall-clock budget of the search, e.g. 3m, 90s, 1h (the search stops within it).", DefaultValueFactory = _ => "3m" };
        var strategy = new Option<string>("--strategy") { Description = "coarse-to-fine (default) or grid (every point of the space: for checking the search).", DefaultValueFactory = _ => "coarse-to-fine" };
        strategy.AcceptOnlyFromAmong("coarse-to-fine", "grid");
        var window = new Option<string?>("--window") { Description = "Measuring window per point (the three best are re-measured over twice this); default: budget/50 within 1–3 s." };
        var cores = new Option<int>("--cores") { Description = "Cores the threads × workers of a point may use.", DefaultValueFactory = _ => Environment.ProcessorCount };
        var output = new Option<string?>("--output", "-o") { Description = "Where to write the chosen config.json (aot serve --config NAME=FILE, or DIR/NAME/config.json)." };
        var csv = new Option<string?>("--csv") { Description = "Also write every measured point as CSV." };
        var evaluate = new Option<string[]>("--evaluate") { Description = "Measure this config file instead of searching (repeatable; interleaved rounds; bench/tune-check.sh).", Arity = ArgumentArity.ZeroOrMore };
        var rounds = new Option<int>("--rounds") { Description = "With --evaluate: rounds over the files.", DefaultValueFactory = _ => 3 };
        var verbose = new Option<bool>("--verbose") { Description = "Print the server's start-up lines of every point." };
        var command = new Command("tune", "Find a model's threads, workers, max batch and batching delay by measuring the real server under load; write the best as its config.json.")
        {
            model, concurrency, shapes, texts, objective, slo, budget, strategy, window, cores, output, csv, evaluate, rounds, verbose,
        };
        command.SetAction((result, cancellationToken) => Task.FromResult(AotCommandLine.RunReportingErrors(() =>
        {
            string spec = result.GetValue(model)!;
            int equals = spec.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0 || equals == spec.Length - 1)
            {
                throw new FormatException($"--model '{spec}' is not NAME=PATH.");
            }

            string name = spec[..equals];
            string path = Path.GetFullPath(spec[(equals + 1)..]);
            TimeSpan totalBudget = ParseDuration(result.GetValue(budget)!, "--budget");
            Dictionary<string, long[]> shapeMap = [];
            foreach (string shape in result.GetValue(shapes) ?? [])
            {
                (string input, long[] dims) = TuneWorkload.ParseShape(shape);
                shapeMap[input] = dims;
            }

            string? textFile = result.GetValue(texts);
            var request = new TuneRequest(name, path)
            {
                Concurrencies = ParseConcurrency(result.GetValue(concurrency)!),
                Objective = result.GetValue(objective)!,
                SloMs = result.GetValue(slo),
                Budget = totalBudget,
                Strategy = result.GetValue(strategy)!,
                Window = result.GetValue(window) is { } w ? ParseDuration(w, "--window") : TimeSpan.FromSeconds(Math.Clamp(totalBudget.TotalSeconds / 50, 1, 3)),
                Cores = Math.Max(1, result.GetValue(cores)),
                Evaluate = result.GetValue(evaluate) ?? [],
                Rounds = Math.Max(1, result.GetValue(rounds)),
                Verbose = result.GetValue(verbose),
                CreateWorkload = textFile is null
                    ? TuneRequest.TensorWorkload(name, shapeMap)
                    : (_, _) => Task.FromResult(TuneWorkload.Texts(name, ReadTexts(textFile))),
            };
            return Run(request, result.GetValue(output), result.GetValue(csv), cancellationToken);
        })));
        return command;
    }

    private static int Run(TuneRequest request, string? outputPath, string? csvPath, CancellationToken cancellationToken)
    {
        var search = new TuneSearch(request, Console.Out);
        TuneRow? chosen = search.RunAsync(cancellationToken).GetAwaiter().GetResult();
        TuneTable.Write(Console.Out, search.Rows, request.SloMs, chosen);
        if (csvPath is not null)
        {
            TuneTable.WriteCsv(csvPath, search.Rows, request.SloMs);
        }

        if (request.Evaluate.Count > 0)
        {
            foreach (IGrouping<string, TuneRow> file in search.Rows.GroupBy(static r => r.Label))
            {
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{file.Key}: mean {file.Average(static r => r.Throughput):F1} req/s over {file.Count()} rounds (min {file.Min(static r => r.Throughput):F1}, max {file.Max(static r => r.Throughput):F1}); p99 {file.Average(static r => r.P99Ms):F2} ms"));
            }

            return 0;
        }

        if (chosen is null)
        {
            TuneRow? closest = search.Rows.Where(static r => r.Errors == 0).MinBy(static r => r.P99Ms);
            Console.Out.WriteLine(search.Rows.Count == 0
                ? $"The budget of {request.Budget.TotalSeconds:F0} s allowed no point to be measured (each takes the server's start, a warm-up and a window); nothing written."
                : request.SloMs is { } slo
                ? string.Create(CultureInfo.InvariantCulture, $"No point met the p99 SLO of {slo} ms (lowest p99 measured: {(closest is null ? "none" : $"{closest.P99Ms:F2} ms at {closest.Label}")}); nothing written.")
                : "No point served its requests without errors; nothing written.");
            return NoPointMeetsSlo;
        }

        Console.Out.WriteLine($"chosen: {chosen.Label}: {chosen.Describe()} (point {chosen.Index}, {chosen.Stage})");
        if (outputPath is not null)
        {
            File.WriteAllText(outputPath, chosen.Point!.ToConfigJson());
            Console.Out.WriteLine($"wrote {Path.GetFullPath(outputPath)}: aot serve --model {request.Name}={request.Path} --config {request.Name}={outputPath}");
        }

        return 0;
    }

    private static List<string> ReadTexts(string path)
    {
        try
        {
            return [.. File.ReadAllLines(path).Where(static l => !string.IsNullOrWhiteSpace(l))];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"--texts '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    private static int[] ParseConcurrency(string text)
    {
        string[] parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        int[] values = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) || values[i] < 1 || values[i] > 4096)
            {
                throw new FormatException($"--concurrency '{text}': expected client counts from 1 to 4096, separated by commas.");
            }
        }

        return values.Length > 0 ? values : throw new FormatException("--concurrency needs at least one client count.");
    }

    /// <summary>Parses 180, 180s, 3m, 1h, 1m30s or a TimeSpan (00:03:00).</summary>
    internal static TimeSpan ParseDuration(string text, string option)
    {
        string trimmed = text.Trim();
        TimeSpan total = TimeSpan.Zero;
        int start = 0;
        bool any = false;
        for (int i = 0; i <= trimmed.Length; i++)
        {
            if (i < trimmed.Length && (char.IsAsciiDigit(trimmed[i]) || trimmed[i] == '.'))
            {
                continue;
            }

            if (i == start || !double.TryParse(trimmed.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double number))
            {
                any = false;
                break;
            }

            char unit = i < trimmed.Length ? trimmed[i] : 's';
            double seconds = unit switch { 's' => 1, 'm' => 60, 'h' => 3600, _ => double.NaN };
            if (double.IsNaN(seconds))
            {
                any = false;
                break;
            }

            total += TimeSpan.FromSeconds(number * seconds);
            any = true;
            start = i + 1;
            if (start >= trimmed.Length)
            {
                break;
            }
        }

        if ((any && total > TimeSpan.Zero) || (TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out total) && total > TimeSpan.Zero))
        {
            return total;
        }

        throw new FormatException($"{option} '{text}' is not a duration such as 3m, 90s, 1m30s or 00:03:00.");
    }
}
