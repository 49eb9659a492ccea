using System.Text.Json;
using Aot.LoadGen.Results;
using Aot.LoadGen.Systems;
using Xunit;

namespace Aot.Bench.Tests;

public class ResultsWriterTests
{
    private static RunRecord Run(string system, string protocol, int concurrency, double throughput, long errors = 0, string? error = null) => new()
    {
        System = system, Kind = system.StartsWith("aot", StringComparison.Ordinal) ? "aot" : "peer", Model = "tiny", Workload = "tiny",
        Protocol = protocol, Mode = "closed", Concurrency = concurrency, P50Ms = 0.1, P90Ms = 0.2, P99Ms = 0.5, P999Ms = 1, MaxMs = 2,
        MeanMs = 0.15, Throughput = throughput, Requests = (long)throughput * 2, Errors = errors, FirstError = error, WindowSeconds = 2,
        RssSteadyMb = 100, RssPeakMb = 110, CpuSecondsPer1k = 0.05,
    };

    private static SuiteResults Suite()
    {
        var results = new SuiteResults
        {
            Date = "2026-11-24", Quick = true, Machine = new MachineInfo(2, "cpu", 24, "linux", ".NET", "0.1 0.2 0.3"),
            LoadAverageAtStart = "0.1 0.2 0.3", Threads = 2, WorkloadNotes = "notes", Cpus = new CpuPlacement("0-1", null),
        };
        results.Runs.Add(Run("aot", "binary", 16, 20000));
        results.Runs.Add(Run("aot", "kserve-http", 16, 12000));
        results.Runs.Add(Run("aspnet-ort", "peer-http", 16, 4000, 1, "HttpRequestException: 500, \"boom\""));
        return results;
    }

    [Fact]
    public void A_results_folder_is_written_again_identically_from_its_results_json()
    {
        SuiteResults results = Suite();
        string dir = Directory.CreateTempSubdirectory("aot-report-").FullName;
        try
        {
            ResultsFolder.Write(results, dir);
            string json = File.ReadAllText(Path.Combine(dir, "results.json"));
            string md = File.ReadAllText(Path.Combine(dir, "results.md"));
            SuiteResults read = Aot.LoadGen.ReportCommand.Read(Path.Combine(dir, "results.json"));
            Assert.Equal(results.Runs.Count, read.Runs.Count);
            ResultsFolder.Write(read, dir);
            Assert.Equal(json, File.ReadAllText(Path.Combine(dir, "results.json")));
            Assert.Equal(md, File.ReadAllText(Path.Combine(dir, "results.md")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Memory_is_compared_only_on_the_cases_both_systems_ran()
    {
        SuiteResults results = Suite();
        results.Runs.Clear();
        results.Runs.Add(Run("aot", "binary", 1, 100) with { RssSteadyMb = 200 });
        results.Runs.Add(Run("aot", "binary", 16, 100) with { RssSteadyMb = 900 }); // a case the other system skipped
        results.Runs.Add(Run("torch-fastapi", "peer-http", 1, 10) with { RssSteadyMb = 500 });
        (double? aot, double? torch, int skipped) = new ResultsQuery(results).SteadyRssOnCommonCases("aot", "torch-fastapi", "tiny");
        Assert.Equal(200, aot);
        Assert.Equal(500, torch);
        Assert.Equal(1, skipped);
    }

    [Fact]
    public void Csv_has_a_header_and_one_line_per_run_with_quoted_fields()
    {
        string csv = CsvResultsWriter.Format(Suite().Runs);
        string[] lines = csv.TrimEnd('\n').Split('\n');
        Assert.Equal(CsvResultsWriter.Header, lines[0]);
        Assert.Equal(4, lines.Length);
        Assert.Equal("aot,aot,tiny,tiny,binary,closed,16,,0.1,0.2,0.5,1,2,0.15,20000,40000,0,110,100,0.05,2,,,true,,", lines[1]);
        Assert.EndsWith(",\"HttpRequestException: 500, \"\"boom\"\"\"", lines[3]);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    public void Csv_quoting(string field, string expected) => Assert.Equal(expected, CsvResultsWriter.Quote(field));

    [Fact]
    public void Json_round_trips_the_records_in_camel_case()
    {
        string json = JsonResultsWriter.Serialize(Suite());
        using JsonDocument document = JsonDocument.Parse(json);
        JsonElement runs = document.RootElement.GetProperty("runs");
        Assert.Equal(3, runs.GetArrayLength());
        Assert.Equal("kserve-http", runs[1].GetProperty("protocol").GetString());
        Assert.Equal(0.5, runs[0].GetProperty("p99Ms").GetDouble());
        Assert.False(runs[0].TryGetProperty("firstError", out _));
    }

    [Fact]
    public void Errors_make_the_suite_fail()
    {
        Assert.True(Suite().HasFailures);
    }

    [Fact]
    public void Report_states_ratios_and_errors()
    {
        string md = MarkdownReport.Build(Suite(), []);
        Assert.Contains("| 16 | 20000 · 0.500 | 12000 · 0.500 | 4000 · 0.500 | 3.00× |", md, StringComparison.Ordinal);
        Assert.Contains("aspnet-ort tiny peer-http c=16: 1 errors", md, StringComparison.Ordinal);
    }

    [Fact]
    public void A_window_that_measured_nothing_shows_its_note_fails_the_run_and_gives_no_ratio()
    {
        SuiteResults results = Suite();
        results.Runs.RemoveAt(2);
        results.Runs.Add(Run("aspnet-ort", "peer-http", 16, 0) with { Requests = 0, P50Ms = 0, P99Ms = 0, Measured = false, Note = "no request completed in 20 s", WindowSeconds = 20, NominalWindowSeconds = 4 });
        Assert.True(results.HasFailures);
        string md = MarkdownReport.Build(results, []);
        Assert.Contains("| 16 | 20000 · 0.500 | 12000 · 0.500 | *no request completed in 20 s* | – |", md, StringComparison.Ordinal);
        Assert.Contains("| tiny | aspnet-ort | peer-http | – | – | *no request completed in 20 s* | – | – | – | 0 |", md, StringComparison.Ordinal);
        Assert.Contains("NOT MEASURED: aspnet-ort tiny peer-http closed c=16: no request completed in 20 s", md, StringComparison.Ordinal);
        Assert.DoesNotContain("0.00×", md, StringComparison.Ordinal);
        Assert.Null(new ResultsQuery(results).Closed("aspnet-ort", "tiny", "peer-http", 16));
        string csv = CsvResultsWriter.Format(results.Runs);
        Assert.EndsWith(",20,,,false,no request completed in 20 s,", csv.TrimEnd('\n').Split('\n')[^1]);
        using JsonDocument json = JsonDocument.Parse(JsonResultsWriter.Serialize(results));
        JsonElement run = json.RootElement.GetProperty("runs")[2];
        Assert.False(run.GetProperty("measured").GetBoolean());
        Assert.Equal("no request completed in 20 s", run.GetProperty("note").GetString());
    }

    [Fact]
    public void A_measured_suite_without_errors_passes()
    {
        SuiteResults results = Suite();
        results.Runs.RemoveAt(2);
        Assert.False(results.HasFailures);
    }

    [Fact]
    public void Report_states_the_cpu_placement()
    {
        SuiteResults results = Suite() with { Cpus = new CpuPlacement("0", "1") };
        Assert.Contains("CPU placement: pinned: the load generator on CPU 0, every server (Aot, each peer, the echo floor) on CPU 1 (taskset -c 1)", MarkdownReport.Build(results, []), StringComparison.Ordinal);
        Assert.Contains("CPU placement: not pinned", MarkdownReport.Build(Suite(), []), StringComparison.Ordinal);
    }

    [Fact]
    public void Disagreeing_embeddings_fail_the_run_and_are_listed()
    {
        SuiteResults results = Suite();
        results.Runs.RemoveAt(2);
        results.EmbedAgreement.Add(EmbedAgreement.Compare("embed-short-b1", "aot", [[1, 0]], "node-ort", [[0, 1]]));
        Assert.True(results.HasFailures);
        Assert.Contains("EMBEDDINGS DISAGREE: aot and node-ort on embed-short-b1: min cosine 0.000000 < 0.999", MarkdownReport.Build(results, []), StringComparison.Ordinal);
    }

    [Fact]
    public void Padding_waste_of_the_embedding_workloads_is_reported_and_read_back()
    {
        SuiteResults results = Suite();
        results.Runs.Add(Run("aot", "embed-http", 1, 10) with { Model = "minilm-embed", Workload = "embed-mixed-b32" });
        results.EmbedPadding["embed-mixed-b32"] = Aot.LoadGen.Workloads.EmbedPadding.Of([8, 40, 256]);
        Assert.Contains("| embed-mixed-b32 | 3 | 256 | 304 | 464 | 60.4 % |", MarkdownReport.Build(results, []), StringComparison.Ordinal);

        string dir = Directory.CreateTempSubdirectory("aot-report-").FullName;
        try
        {
            ResultsFolder.Write(results, dir);
            SuiteResults read = Aot.LoadGen.ReportCommand.Read(Path.Combine(dir, "results.json"));
            Assert.Equal(results.EmbedPadding["embed-mixed-b32"], read.EmbedPadding["embed-mixed-b32"]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Targets_not_measured_are_never_reported_as_met()
    {
        Assert.All(TargetChecks.Evaluate(new ResultsQuery(Suite())).Where(c => c.Target.Contains("echo", StringComparison.Ordinal)), c => Assert.Null(c.Met));
    }

    [Fact]
    public void Charts_are_well_formed_svg()
    {
        string svg = SvgCharts.Chart("t <&>", "x", "y", [("a", [(0, 1.0), (1, 10.0)])], ["1", "2"], logY: true);
        System.Xml.Linq.XDocument.Parse(svg);
        Assert.Contains("t &lt;&amp;&gt;", svg, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.7, 1)]
    [InlineData(1.5, 2)]
    [InlineData(3, 5)]
    [InlineData(7, 10)]
    [InlineData(12000, 20000)]
    public void Nice_ceiling(double value, double expected) => Assert.Equal(expected, SvgCharts.NiceCeiling(value), 9);
}
