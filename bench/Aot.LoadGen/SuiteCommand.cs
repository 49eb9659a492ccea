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
/// results.md and the SVG charts into --out; exits 1 when any system failed to start, served an error, measured
/// nothing in a window, or answered <c>/embed</c> with vectors unlike the others'.
/// </summary>
internal static class SuiteCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Seconds-long subset: tiny model, Aot and the ASP.NET peer; Aot's /embed on short texts." };
        var output = new Option<string>("--out") { Description = "Results folder.", Required = true };
        var aot = new Option<string>("--aot") { Description = "The aot server executable.", Required = true };
        var aspnet = new Option<string>("--aspnet-peer") { Description = "The ASP.NET peer executable.", Required = true };
        var peers = new Option<string>("--peers-dir") { Description = "bench/peers.", Required = true };
        var nodeModules = new Option<string?>("--node-modules") { Description = "node_modules of the Node peer (full run)." };
        var python = new Option<string?>("--python") { Description = "Python with torch/fastapi/uvicorn/onnx (full run)." };
        var int8Dir = new Option<string?>("--int8-dir") { Description = "Folder of the int8 models from bench/int8-models.sh (full run): adds aot-int8, node-int8 and in-process-int8 rows." };
        var threads = new Option<int>("--threads") { Description = "Intra-op threads for every system.", DefaultValueFactory = _ => 2 };
        var serverCpus = new Option<string?>("--server-cpus") { Description = "Pin every server (Aot, peers, echo floor) with 'taskset -c LIST'; start this harness on other CPUs." };
        var skip = new Option<string[]>("--skipped") { Description = "'system: reason' for a peer the caller could not set up.", DefaultValueFactory = _ => [] };
        var workloads = new Option<string[]?>("--workloads") { Description = "Only these workloads of the plan (single-case runs).", AllowMultipleArgumentsPerToken = true };
        var systems = new Option<string[]?>("--systems") { Description = "Only these systems of the plan (single-case runs).", AllowMultipleArgumentsPerToken = true };
        WindowOptions window = new();
        var command = new Command("suite", "Run the benchmark suite.") { quick, output, aot, aspnet, peers, nodeModules, python, int8Dir, threads, serverCpus, skip, workloads, systems };
        window.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            string outDir = Path.GetFullPath(result.GetValue(output)!);
            Directory.CreateDirectory(outDir);
            int t = result.GetValue(threads);
            CpuPlacement cpus = CpuPlacement.Current(result.GetValue(serverCpus));
            var paths = new BenchPaths(result.GetValue(aot)!, result.GetValue(aspnet)!, result.GetValue(nodeModules), result.GetValue(peers)!, result.GetValue(python), result.GetValue(int8Dir));
            List<string> peerSystems = ["aspnet-ort"];
            if (paths.NodeModules is not null)
            {
                peerSystems.Add("node-ort");
            }

            if (paths.Python is not null)
            {
                peerSystems.Add("torch-fastapi");
            }

            SuitePlan plan = (result.GetValue(quick) ? SuitePlan.CreateQuick() : SuitePlan.CreateFull(peerSystems, int8: paths.Int8Directory is not null))
                .Only(result.GetValue(workloads), result.GetValue(systems)) with
            {
                MinRequests = result.GetValue(window.MinRequests),
                MaxStretch = result.GetValue(window.MaxStretch),
            };
            var results = new SuiteResults
            {
                Date = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
                Quick = plan.Quick,
                Machine = MachineInfo.Current(),
                LoadAverageAtStart = MachineInfo.LoadAverageNow(),
                Threads = t,
                Cpus = cpus,
                WorkloadNotes = string.Create(CultureInfo.InvariantCulture,
                    $"Warm-up {plan.WarmUp.TotalSeconds} s, then a timed window of {string.Join(" / ", plan.Workloads.Select(w => $"{plan.Duration(w).TotalSeconds} s ({w.Name})"))}; closed-loop clients: {string.Join(" / ", plan.Workloads.Select(w => $"{string.Join(",", plan.Concurrency(w))} ({w.Name})"))}. A window closes at its nominal end once at least {plan.MinRequests} requests have started in it, else when they have, at most {plan.MaxStretch}× its nominal length; a window with fewer than {plan.MinRequests} completed requests is not a result (shown as such, and the run fails).{string.Concat(plan.Limits.Where(l => plan.Workloads.Any(w => w.Name == l.Workload)).Select(l => $" {l.System} on {l.Workload}: {(l.Levels.Count == 0 ? "not run" : $"clients {string.Join(",", l.Levels)} only")} ({l.Reason})."))}"),
            };
            foreach (Workload w in plan.Workloads)
            {
                results.Workloads[w.Name] = w.Description;
                if (w.Padding is not null)
                {
                    results.EmbedPadding[w.Name] = w.Padding;
                }
            }

            foreach (SharedWindowCase shared in plan.SharedWindows.Where(c => plan.Workloads.Any(w => w.Name == c.Probe) && plan.Workloads.Any(w => w.Name == c.Load)))
            {
                string together = string.Create(CultureInfo.InvariantCulture,
                    $"against one server, in one window, closed loop: {shared.LoadSharedWith} and {shared.ProbeSharedWith} ({string.Join(", ", shared.Systems)}; the load's window is held open until the probe's run ends, so every probe request runs under it; the probe's window counts from {Math.Min(plan.MinRequests, shared.ProbeMinRequests)} requests and may stretch to {shared.ProbeLongestWindow.TotalSeconds:0} s)");
                results.Workloads[shared.ProbeRecord] = $"{shared.Probe}'s latency under load, {together}";
                results.Workloads[shared.LoadRecord] = $"the load of {shared.ProbeRecord}, {together}";
            }

            foreach (string s in result.GetValue(skip) ?? [])
            {
                int colon = s.IndexOf(':', StringComparison.Ordinal);
                results.Skipped.Add(colon < 0 ? new SkippedSystem(s, "not set up") : new SkippedSystem(s[..colon].Trim(), s[(colon + 1)..].Trim()));
            }

            Console.Error.WriteLine($"CPU placement: {cpus.Describe()}; intra-op threads {t} for every system");
            long started = Clock.Now;
            try
            {
                await new SuiteRunner(plan, new SystemCatalog(paths, t), cpus, t, outDir, results).RunAsync(cancellationToken).ConfigureAwait(false);
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
                Console.Error.WriteLine("FAILED: a system failed to start, served errors, measured nothing in a window, or embedded differently (see results.md, 'Errors, failures and skipped systems').");
                return 1;
            }

            return 0;
        });
        return command;
    }
}
