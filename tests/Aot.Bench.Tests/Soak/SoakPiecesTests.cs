using System.Net;
using Aot.LoadGen.Resources;
using Aot.LoadGen.Soak;
using Aot.LoadGen.Soak.Faults;
using Xunit;

namespace Aot.Bench.Tests.Soak;

/// <summary>The soak's counting, answer reading and reports.</summary>
public class SoakPiecesTests
{
    [Fact]
    public void Tally_counts_each_outcome_keeps_the_first_failures_and_closes_intervals()
    {
        var tally = new ProtocolTally("binary");
        tally.Record(AnswerOutcome.Correct, 1000);
        tally.Record(AnswerOutcome.Overload, 10);
        for (int i = 0; i < ProtocolTally.KeptFailures + 5; i++)
        {
            tally.Record(AnswerOutcome.Wrong, 10, $"row {i}");
        }

        Assert.Equal(1, tally.Count(AnswerOutcome.Correct));
        Assert.Equal(1, tally.Count(AnswerOutcome.Overload));
        Assert.Equal(ProtocolTally.KeptFailures + 5, tally.Failures);
        Assert.Equal(ProtocolTally.KeptFailures, tally.FailureExamples.Count);
        Assert.Equal("Wrong: row 0", tally.FailureExamples[0]);
        Assert.Equal(1, tally.TakeInterval().Count);
        Assert.Equal(0, tally.TakeInterval().Count);
        Assert.Equal(1, tally.Latency.Count);
    }

    [Fact]
    public async Task A_request_unanswered_within_the_timeout_is_lost_and_a_broken_connection_an_error()
    {
        var tally = new ProtocolTally("binary");
        (AnswerOutcome never, _) = await CheckedLoop.SendOnceAsync(new Sender(token => Task.Delay(Timeout.Infinite, token)), tally, 0, TimeSpan.FromMilliseconds(50));
        (AnswerOutcome broken, _) = await CheckedLoop.SendOnceAsync(new Sender(_ => throw new IOException("reset")), tally, 0, TimeSpan.FromSeconds(30));
        Assert.Equal(AnswerOutcome.Lost, never);
        Assert.Equal(AnswerOutcome.Error, broken);
        Assert.Equal(["Error: IOException: reset", "Lost: no answer in 0.05 s"], tally.FailureExamples);
    }

    [Fact]
    public void Http_429_and_503_are_overloads_other_statuses_errors()
    {
        Assert.Equal(AnswerOutcome.Overload, HttpAnswers.NotOk(HttpStatusCode.TooManyRequests, []).Outcome);
        Assert.Equal(AnswerOutcome.Overload, HttpAnswers.NotOk(HttpStatusCode.ServiceUnavailable, []).Outcome);
        (AnswerOutcome outcome, string? detail) = HttpAnswers.NotOk(HttpStatusCode.InternalServerError, "{\"error\":\"boom\"}"u8.ToArray());
        Assert.Equal(AnswerOutcome.Error, outcome);
        Assert.Equal("HTTP 500 {\"error\":\"boom\"}", detail);
    }

    [Fact]
    public void Answers_are_read_from_kserve_and_embed_json()
    {
        Assert.Equal([1.5f, 0f], HttpAnswers.KServeFirstOutput("""{"outputs":[{"name":"y","data":[1.5,0]}]}"""u8));
        Assert.Equal([[1f, 2f], [3f, 4f]], HttpAnswers.EmbedVectors("[[1,2],[3,4]]"u8));
        Assert.Throws<System.Text.Json.JsonException>(() => HttpAnswers.KServeFirstOutput("""{"error":"x"}"""u8));
        Assert.Throws<System.Text.Json.JsonException>(() => HttpAnswers.EmbedVectors("""{"error":"x"}"""u8));
    }

    [Fact]
    public void Bad_input_must_get_a_4xx_or_an_overload_never_a_5xx_or_silence()
    {
        Assert.Equal(FaultResult.Ok("400"), FaultResult.ForBadInput(400));
        Assert.Equal(FaultResult.Ok("503"), FaultResult.ForBadInput(503));
        Assert.False(FaultResult.ForBadInput(500).Expected);
        Assert.Equal(FaultResult.Unexpected("closed without an answer"), FaultResult.ForBadInput(null));
    }

    [Fact]
    public void Fault_tally_counts_per_kind_and_outcome()
    {
        var tally = new FaultTally();
        tally.Record("a", FaultResult.Ok("400"));
        tally.Record("a", FaultResult.Ok("400"));
        tally.Record("a", FaultResult.Unexpected("500"));
        tally.Record("b", FaultResult.Ok("413"));
        Assert.Equal(3, tally.Attempts("a"));
        Assert.Equal(1, tally.Unexpected);
        Assert.Equal(new FaultCount("a", "400", true, 2), tally.Counts[0]);
    }

    [Fact]
    public void Threads_are_read_from_status_and_changes_listed_by_name()
    {
        Assert.Equal(9, ProcParser.Threads("Name:\taot\nVmRSS:\t 98765 kB\nThreads:\t9\n"));
        Assert.Throws<FormatException>(() => ProcParser.Threads("Name:\taot\n"));
        Assert.Equal(".NET TP Worker +1, onnxruntime -2", ProcessVitals.ThreadChanges(
            new Dictionary<string, int> { [".NET TP Worker"] = 2, ["onnxruntime"] = 4, ["aot"] = 1 },
            new Dictionary<string, int> { [".NET TP Worker"] = 3, ["onnxruntime"] = 2, ["aot"] = 1 }));
    }

    [Fact]
    public void Own_process_vitals_can_be_read()
    {
        ProcessVitals vitals = ProcessVitals.Read(Environment.ProcessId)!.Value;
        Assert.True(vitals.RssKb > 0);
        Assert.True(vitals.OpenFds >= 3);
        Assert.InRange(ProcessVitals.ThreadNames(Environment.ProcessId).Values.Sum(), 1, vitals.Threads + 64);
        Assert.Null(ProcessVitals.Read(int.MaxValue));
    }

    [Fact]
    public void Report_csv_and_chart_hold_every_sample_and_verdict()
    {
        SoakResults results = SoakCriteriaTests.Results(SoakCriteria.Evaluate([SoakCriteriaTests.Protocol(correct: 5)],
            [SoakCriteriaTests.Sample(10, "load", 150)], SoakCriteriaTests.Sample(-1, "idle-before", 100), SoakCriteriaTests.Sample(70, "idle-after", 120),
            new HealthSummary(60, 0, 12, null), [], gateAll: true));
        string report = SoakReport.Format(results, "soak.svg");
        Assert.StartsWith("# Soak under faults: PASSED", report);
        Assert.Contains("| every health probe answered | **pass** | 60 answered, 0 failed, slowest 12 ms | yes |", report);
        Assert.Contains("![RSS, open fds, threads and p99 over time](soak.svg)", report);
        string[] csv = SoakCsv.Format(results.Samples).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("seconds,phase,rss_mb,gc_heap_mb,open_fds,threads,load_average,binary_correct,binary_overloads,binary_failures,binary_p50_ms,binary_p99_ms", csv[0]);
        Assert.Equal(results.Samples.Count + 1, csv.Length);
        Assert.Equal("10,load,150,30,18,16,1.5,10,1,0,1,2", csv[2]);
        string svg = SoakChart.Draw(results.Samples);
        Assert.Equal(5, svg.Split("<svg", StringSplitOptions.None).Length - 1);
        System.Xml.Linq.XDocument.Parse(svg);
    }

    [Fact]
    public void The_managed_heap_is_read_from_the_metrics_text()
    {
        Assert.Equal(28.2, SoakSampler.GcHeapMb("# TYPE aot_dotnet_gc_heap_bytes gauge\naot_dotnet_gc_heap_bytes_total 1\naot_dotnet_gc_heap_bytes 29569024\n"));
        Assert.Null(SoakSampler.GcHeapMb(null));
        Assert.Null(SoakSampler.GcHeapMb("aot_process_resident_memory_bytes 1\n"));
    }

    private sealed class Sender(Func<CancellationToken, Task> send) : ICheckedSender
    {
        public string Protocol => "binary";

        public async Task<(AnswerOutcome Outcome, string? Detail)> SendAsync(int sequence, CancellationToken timeout)
        {
            await send(timeout);
            return (AnswerOutcome.Correct, null);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
