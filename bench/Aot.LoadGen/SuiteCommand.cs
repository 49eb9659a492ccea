using System.CommandLine;
using System.Globalization;
using Aot.LoadGen.Load;
using Aot.LoadGen.Results;
using Aot.LoadGen.Suite;
using Aot.LoadGen.Systems;
using Aot.LoadGen.Workloads;

namespace Aot.LoadGen;

/// <summary>
/// <c>suite</c>: the whole side-by-side run (bench/run.sh calls it). Writes results.json, results.csv,
/// results.md and the SVG charts into --out; exits 1 when any system failed to start or served an error.
/// </summary>
internal static class SuiteCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Seconds-long subset: tiny model, Aot and the ASP.NET peer." };
        var output = new Option<string>("--out") { Description = "Results folder.", Required = true };
        var aot = new Option<string>("--aot") { Description = "The aot server executable.", Required = true };
        var aspnet = new Option<string>("--aspnet-peer") { Description = "The ASP.NET peer executable.", Required = true };
        var peers = new Option<string>("--peers-dir") { Description = "bench/peers.", Required = true };
        var nodeModules = new Option<string?>("--node-modules") { Description = "node_modules of the Node peer (full run)." };
        var python = new Option<string?>("--python") { Description = "Python with torch/fastapi/uvicorn/onnx (full run)." };
        var threads = new Option<int>("--threads") { Description = "Intra-op threads for every system.", DefaultValueFactory = _ => 2 };
        var skip = new Option<string[]>("--skipped") { Description = "'system: reason' for a peer the caller could not set up.", DefaultValueFactory = _ => [] };
        var command = new Command("suite", "Run the benchmark suite.") { quick, output, aot, aspnet, peers, nodeModules, python, threads, skip };
        command.SetAction(async (result, cancellationToken) =>
        {
            string outDir = Path.GetFullPath(result.GetValue(output)!);
            Directory.CreateDirectory(outDir);
            int t = result.GetValue(threads);
            var paths = new BenchPaths(result.GetValue(aot)!, result.GetValue(aspnet)!, result.GetValue(nodeModules), result.GetValue(peers)!, result.GetValue(python));
            List<string> peerSystems = ["aspnet-ort"];
            if (paths.NodeModules is not null)
            {
                peerSystems.Add("node-ort");
            }

            if (paths.Python is not null)
            {
                peerSystems.Add("torch-fastapi");
            }

            SuitePlan plan = result.GetValue(quick) ? SuitePlan.CreateQuick() : SuitePlan.CreateFull(peerSystems);
            var results = new SuiteResults
            {
                Date = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
                Quick = plan.Quick,
                Machine = MachineInfo.Current(),
                LoadAverageAtStart = MachineInfo.LoadAverageNow(),
                Threads = t,
                WorkloadNotes = string.Create(CultureInfo.InvariantCulture,
                    $"Warm-up {plan.WarmUp.TotalSeconds} s, then a timed window of {string.Join(" / ", plan.Workloads.Select(w => $"{plan.Duration(w).TotalSeconds} s ({w.Name})"))}; closed-loop clients: {string.Join(" / ", plan.Workloads.Select(w => $"{string.Join(",", plan.Concurrency(w))} ({w.Name})"))}."),
            };
            foreach (Workload w in plan.Workloads)
            {
                results.Workloads[w.Name] = w.Description;
            }

            foreach (string s in result.GetValue(skip) ?? [])
            {
                int colon = s.IndexOf(':', StringComparison.Ordinal);
                results.Skipped.Add(colon < 0 ? new SkippedSystem(s, "not set up") : new SkippedSystem(s[..colon].Trim(), s[(colon + 1)..].Trim()));
            }

            long started = Clock.Now;
            try
            {
                await new SuiteRunner(plan, new SystemCatalog(paths, t), t, outDir, results).RunAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                results.TotalSeconds = Clock.Seconds(started, Clock.Now);
                results.LoadAverageAtEnd = MachineInfo.LoadAverageNow();
                ResultsFolder.Write(results, outDir);
            }

            Console.Error.WriteLine($"results: {outDir}");
            if (results.HasFailures)
            {
                Console.Error.WriteLine("FAILED: a system failed to start or served errors (see results.md, 'Errors, failures and skipped systems').");
                return 1;
            }

            return 0;
        });
        return command;
    }
}
