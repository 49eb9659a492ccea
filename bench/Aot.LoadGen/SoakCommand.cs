using System.CommandLine;
using Aot.LoadGen.Results;
using Aot.LoadGen.Soak;
using Aot.LoadGen.Soak.Faults;

namespace Aot.LoadGen;

/// <summary>
/// <c>soak</c>: the server at saturation under fault clients for some minutes (bench/soak.sh calls it). Writes
/// report.md, soak.svg, samples.csv, soak.json and server.log into --out; exits 1 when a gating criterion failed.
/// </summary>
internal static class SoakCommand
{
    public static Command Create()
    {
        var minutes = new Option<double>("--minutes") { Description = "Minutes of load (fractions allowed: 0.5 is 30 s).", DefaultValueFactory = _ => 10 };
        var output = new Option<string>("--out") { Description = "Results folder.", Required = true };
        var aot = new Option<string>("--aot") { Description = "The aot server executable.", Required = true };
        var gate = new Option<string>("--gate") { Description = "all: every criterion decides the exit code; answers: only the answers and health (short CI runs, where RSS and idle need minutes).", DefaultValueFactory = _ => "all" };
        var idleWait = new Option<double>("--idle-wait") { Description = "Most seconds to wait after the load for fds and threads to return to their idle counts.", DefaultValueFactory = _ => 60 };
        var httpClients = new Option<int>("--http-clients") { Description = "KServe V2 HTTP clients.", DefaultValueFactory = _ => 16 };
        var binaryConnections = new Option<int>("--binary-connections") { Description = "Binary-protocol connections.", DefaultValueFactory = _ => 8 };
        var binaryDepth = new Option<int>("--binary-depth") { Description = "Requests in flight per binary connection.", DefaultValueFactory = _ => 8 };
        var grpcClients = new Option<int>("--grpc-clients") { Description = "KServe V2 gRPC clients (one shared channel).", DefaultValueFactory = _ => 4 };
        var embedClients = new Option<int>("--embed-clients") { Description = "/embed clients.", DefaultValueFactory = _ => 4 };
        var faults = new Option<string>("--faults") { Description = "Fault clients to run: all, none, or kinds separated by commas (e.g. binary-disconnect-mid-response,binary-half-frame).", DefaultValueFactory = _ => "all" };
        var maxQueue = new Option<int>("--max-queue") { Description = "The server's --max-queue per model.", DefaultValueFactory = _ => 48 };
        var command = new Command("soak", "Soak the server at saturation with fault clients; check every answer.")
        {
            minutes, output, aot, gate, idleWait, httpClients, binaryConnections, binaryDepth, grpcClients, embedClients, maxQueue, faults,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            string outDir = Path.GetFullPath(result.GetValue(output)!);
            Directory.CreateDirectory(outDir);
            string gating = result.GetValue(gate)!;
            if (gating is not ("all" or "answers"))
            {
                Console.Error.WriteLine($"--gate must be 'all' or 'answers', not '{gating}'.");
                return 2;
            }

            string[] kinds = result.GetValue(faults)! switch
            {
                "all" => [.. FaultRunner.All.Select(f => f.Name)],
                "none" => [],
                string list => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            };
            string[] unknown = [.. kinds.Where(k => FaultRunner.All.All(f => f.Name != k))];
            if (unknown.Length > 0)
            {
                Console.Error.WriteLine($"Unknown fault kind(s) {string.Join(", ", unknown)}; known: {string.Join(", ", FaultRunner.All.Select(f => f.Name))}.");
                return 2;
            }

            var settings = new SoakSettings(Path.GetFullPath(result.GetValue(aot)!), outDir, result.GetValue(minutes))
            {
                GateAll = gating == "all",
                IdleWait = TimeSpan.FromSeconds(result.GetValue(idleWait)),
                HttpClients = result.GetValue(httpClients),
                BinaryConnections = result.GetValue(binaryConnections),
                BinaryDepth = result.GetValue(binaryDepth),
                GrpcClients = result.GetValue(grpcClients),
                EmbedClients = result.GetValue(embedClients),
                MaxQueue = result.GetValue(maxQueue),
                Faults = [.. FaultRunner.All.Where(f => kinds.Contains(f.Name))],
            };
            if (settings.Minutes <= 0 || settings.HttpClients < 0 || settings.BinaryConnections < 0 || settings.BinaryDepth < 1 || settings.GrpcClients < 0 || settings.EmbedClients < 0 || settings.MaxQueue < 1
                || settings.HttpClients + settings.BinaryConnections + settings.GrpcClients + settings.EmbedClients == 0)
            {
                Console.Error.WriteLine("--minutes must be above 0, client counts 0 or more (not all 0), --binary-depth and --max-queue at least 1.");
                return 2;
            }

            SoakResults results = await SoakRunner.RunAsync(settings, cancellationToken).ConfigureAwait(false);
            const string chart = "soak.svg";
            File.WriteAllText(Path.Combine(outDir, "soak.json"), System.Text.Json.JsonSerializer.Serialize(results, JsonResultsWriter.Options));
            File.WriteAllText(Path.Combine(outDir, "samples.csv"), SoakCsv.Format(results.Samples));
            File.WriteAllText(Path.Combine(outDir, chart), SoakChart.Draw(results.Samples));
            File.WriteAllText(Path.Combine(outDir, "report.md"), SoakReport.Format(results, chart));
            foreach (Criterion c in results.Criteria)
            {
                Console.Error.WriteLine($"{(c.Met switch { true => "pass", false => "FAIL", null => "n/a " })} {c.Name}: {c.Evidence}{(c.Gating ? "" : " (not gating)")}");
            }

            Console.Error.WriteLine($"{(results.Passed ? "PASSED" : "FAILED")}: {Path.Combine(outDir, "report.md")}");
            return results.Passed ? 0 : 1;
        });
        return command;
    }
}
