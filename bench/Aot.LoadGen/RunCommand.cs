using System.CommandLine;
using System.Globalization;
using Aot.LoadGen.Load;
using Aot.LoadGen.Results;
using Aot.LoadGen.Systems;
using Aot.LoadGen.Targets;
using Aot.LoadGen.Workloads;

namespace Aot.LoadGen;

/// <summary>
/// <c>run</c>: one load run against a server that is already running (closed loop, or open loop with --rate);
/// prints one JSON record and optionally appends a CSV line.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var workload = new Option<string>("--workload") { Description = "tiny, resnet50, minilm-s16, minilm-s128, lstm; embed-short-b1, embed-short-b32, embed-long-b1, embed-long-b32 (with --protocol embed-http).", DefaultValueFactory = _ => "tiny" };
        var protocol = new Option<string>("--protocol") { Description = "binary, kserve-http, grpc (KServe V2 gRPC, raw contents), peer-http, embed-http (POST /embed) or tcp-echo.", DefaultValueFactory = _ => "binary" };
        var port = new Option<int>("--port") { Description = "Binary protocol / echo TCP port.", DefaultValueFactory = _ => 8001 };
        var httpPort = new Option<int>("--http-port") { Description = "HTTP port.", DefaultValueFactory = _ => 8000 };
        var grpcPort = new Option<int>("--grpc-port") { Description = "gRPC port.", DefaultValueFactory = _ => 8002 };
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "Clients (closed loop) or connections (open loop).", DefaultValueFactory = _ => 1 };
        var rate = new Option<double?>("--rate") { Description = "Open loop: requests per second." };
        var warmUp = new Option<double>("--warmup") { Description = "Warm-up seconds.", DefaultValueFactory = _ => 2 };
        var duration = new Option<double>("--duration") { Description = "Timed window seconds.", DefaultValueFactory = _ => 10 };
        var csv = new Option<string?>("--csv") { Description = "Append the result to this CSV file." };
        WindowOptions window = new();
        var command = new Command("run", "One load run against a running server.") { workload, protocol, port, httpPort, grpcPort, concurrency, rate, warmUp, duration, csv };
        window.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            Workload w = WorkloadCatalog.Get(result.GetValue(workload)!);
            string p = result.GetValue(protocol)!;
            var options = new LoadOptions(result.GetValue(concurrency), TimeSpan.FromSeconds(result.GetValue(warmUp)), TimeSpan.FromSeconds(result.GetValue(duration)), result.GetValue(rate),
                result.GetValue(window.MinRequests), result.GetValue(window.MaxStretch));
            await using ITarget target = TargetFactory.Create(p, w, new Ports(result.GetValue(httpPort), result.GetValue(port), result.GetValue(grpcPort)), options.Concurrency, w.IsEmbedding ? 64 : w.BinaryFrame.Length);
            LoadResult load = await LoadRunner.RunAsync(target, options, $"{w.Name} {p} c={options.Concurrency}", cancellationToken).ConfigureAwait(false);
            RunRecord record = RunRecord.Create("external", "external", w, p, options, load, null);
            Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(record, JsonResultsWriter.Options));
            if (result.GetValue(csv) is { } path)
            {
                string text = CsvResultsWriter.Format([record]);
                File.AppendAllText(path, File.Exists(path) ? text[(text.IndexOf('\n', StringComparison.Ordinal) + 1)..] : text);
            }

            Console.Error.WriteLine(load.Measured
                ? string.Create(CultureInfo.InvariantCulture, $"{load.Throughput:0} req/s, p50 {load.Latency.P50:0.000} ms, p99 {load.Latency.P99:0.000} ms, window {load.Seconds:0.0} s, errors {load.Errors}")
                : $"NOT MEASURED: {load.Note}; errors {load.Errors}");
            return load.Errors == 0 && load.Measured ? 0 : 1;
        });
        return command;
    }
}
