using System.Globalization;
using System.Text;
using Aot.LoadGen.Results;

namespace Aot.LoadGen.Soak;

/// <summary>Writes a soak's report.md: verdicts per criterion, answers per protocol, fault clients, vitals over time.</summary>
internal static class SoakReport
{
    public static string Format(SoakResults r, string chartFile)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Soak under faults: {(r.Passed ? "PASSED" : "FAILED")}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"{r.StartedUtc:yyyy-MM-dd HH:mm} UTC, {Results.Format.Num(r.Minutes)} min of load. Machine: {r.Machine.Processors} CPUs ({r.Machine.CpuModel}), {r.Machine.MemoryGb} GB, {r.Machine.Os}. ");
        md.Append(CultureInfo.InvariantCulture, $"Load average (1/5/15 min) at start {r.LoadAverageAtStart}, at end {r.LoadAverageAtEnd}; per sample below (the machine is shared: the load generator, the fault clients and other work run on the same cores as the server).\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Server: `{r.Server}`\n\nClients:\n\n");
        foreach (string client in r.Clients)
        {
            md.Append(CultureInfo.InvariantCulture, $"- {client}\n");
        }

        md.Append("\n## Acceptance\n\n| criterion | verdict | figures | gates the exit code |\n| --- | --- | --- | --- |\n");
        foreach (Criterion c in r.Criteria)
        {
            string verdict = c.Met switch { true => "**pass**", false => "**FAIL**", null => "n/a" };
            md.Append(CultureInfo.InvariantCulture, $"| {c.Name} | {verdict} | {Cell(c.Evidence)} | {(c.Gating ? "yes" : "no")} |\n");
        }

        md.Append("\n## Answers per protocol (whole load)\n\n| protocol | requests | correct | overload (429/503) | wrong | other error | lost | p50 ms | p99 ms | max ms |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (ProtocolSummary p in r.Protocols)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {p.Protocol} | {p.Requests} | {p.Correct} | {p.Overloads} | {p.Wrong} | {p.Errors} | {p.Lost} | {Results.Format.Ms(p.Latency.P50)} | {Results.Format.Ms(p.Latency.P99)} | {Results.Format.Ms(p.Latency.Max)} |\n");
        }

        foreach (ProtocolSummary p in r.Protocols.Where(p => p.FailureExamples.Count > 0))
        {
            md.Append(CultureInfo.InvariantCulture, $"\nFirst failures of {p.Protocol}:\n\n");
            foreach (string failure in p.FailureExamples)
            {
                md.Append(CultureInfo.InvariantCulture, $"- {Cell(failure)}\n");
            }
        }

        md.Append(CultureInfo.InvariantCulture, $"\nHealth (`GET /v2/health/ready` every second on a new connection, {HealthProber.Timeout.TotalSeconds:0} s timeout): {r.Health.Answered} answered, {r.Health.Failed} failed, slowest {r.Health.SlowestMs:0.#} ms.\n");
        md.Append("\n## Fault clients\n\n| kind | what it does | outcome | count | as it should be |\n| --- | --- | --- | ---: | --- |\n");
        foreach (FaultCountRow row in FaultRows(r))
        {
            md.Append(CultureInfo.InvariantCulture, $"| {row.Kind} | {Cell(row.What)} | {Cell(row.Label)} | {row.Count} | {(row.Expected ? "yes" : "**no**")} |\n");
        }

        md.Append(CultureInfo.InvariantCulture, $"\n## Resources over time\n\n![RSS, open fds, threads and p99 over time]({chartFile})\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Idle before the load: {r.IdleBefore.RssMb:0.0} MB RSS, {r.IdleBefore.OpenFds} fds, {r.IdleBefore.Threads} threads. ");
        md.Append(CultureInfo.InvariantCulture, $"After the load: {r.IdleAfter.RssMb:0.0} MB, {r.IdleAfter.OpenFds} fds, {r.IdleAfter.Threads} threads at {r.IdleAfter.Seconds:0} s ");
        md.Append(r.SecondsBackToIdle is { } back ? string.Create(CultureInfo.InvariantCulture, $"(back to the idle counts {back:0} s after the load stopped).") : "(not back to the idle counts within the wait).");
        md.Append(r.ThreadChanges.Length == 0 ? " The same threads by name as before the load." : $" Threads by name, after against before: {r.ThreadChanges}.");
        md.Append(CultureInfo.InvariantCulture, $" Server exit code after SIGTERM: {(r.ServerExitCode is { } code ? code.ToString(CultureInfo.InvariantCulture) : "–")}.\n\n");
        string[] protocols = [.. r.Protocols.Select(p => p.Protocol)];
        md.Append("| s | phase | RSS MB | managed heap MB | fds | threads | load avg | ");
        md.AppendJoin(" | ", protocols.Select(p => $"{p} ok / overload / fail / p50 / p99 ms")).Append(" |\n| ---: | --- | ---: | ---: | ---: | ---: | ---: | ");
        md.AppendJoin(" | ", protocols.Select(_ => "---:")).Append(" |\n");
        foreach (SoakSample s in r.Samples)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {s.Seconds:0} | {s.Phase} | {s.RssMb:0.0} | {Results.Format.Num(s.GcHeapMb, "0.0")} | {s.OpenFds} | {s.Threads} | {s.LoadAverage:0.00} | ");
            md.AppendJoin(" | ", s.Protocols.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Correct} / {p.Overloads} / {p.Failures} / {Results.Format.Ms(p.P50Ms)} / {Results.Format.Ms(p.P99Ms)}"))).Append(" |\n");
        }

        md.Append("\nRaw figures: soak.json (everything), samples.csv (one line per sample), server.log.\n");
        return md.ToString();
    }

    private static IEnumerable<FaultCountRow> FaultRows(SoakResults r)
    {
        var what = Faults.FaultRunner.All.ToDictionary(k => k.Name, k => k.What);
        return r.Faults.Select(f => new FaultCountRow(f.Kind, what.GetValueOrDefault(f.Kind, ""), f.Label, f.Count, f.Expected));
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");

    private sealed record FaultCountRow(string Kind, string What, string Label, long Count, bool Expected);
}
