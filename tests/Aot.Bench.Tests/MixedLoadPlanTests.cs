using Aot.LoadGen.Load;
using Aot.LoadGen.Suite;
using Aot.LoadGen.Workloads;
using Xunit;

namespace Aot.Bench.Tests;

/// <summary>The mixed-length workload's place in the full plan (issue 14): its client counts and the short-under-mixed case.</summary>
public class MixedLoadPlanTests
{
    private static readonly SuitePlan Full = SuitePlan.CreateFull(["aspnet-ort", "node-ort", "torch-fastapi"]);

    [Fact]
    public void Mixed_lengths_run_at_1_and_16_clients_on_aot_and_node_and_not_on_pytorch_with_its_reason()
    {
        Assert.Equal([1, 16], Full.Levels(WorkloadCatalog.EmbedMixed32, "aot"));
        Assert.Equal([1, 16], Full.Levels(WorkloadCatalog.EmbedMixed32, "node-ort"));
        Assert.Empty(Full.Levels(WorkloadCatalog.EmbedMixed32, "torch-fastapi"));
        Assert.Contains("padded to the longest", Full.Limit(WorkloadCatalog.EmbedMixed32, "torch-fastapi")!.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_slow_peers_16_client_window_can_stretch_to_its_ten_requests()
    {
        // Node answers ~0.5 mixed requests a second at 16 clients (its 10th request starts ~20 s into the window); the
        // window must still reach its ten at 0.2 a second, on a machine busy with other work.
        LoadOptions options = Full.Options(WorkloadCatalog.EmbedMixed32, 16);
        WindowRule rule = WindowRule.Create(0, options);
        Assert.True(Clock.Seconds(rule.WindowStart, rule.Cap) >= options.MinRequests / 0.2);
    }

    [Fact]
    public void Short_texts_under_the_mixed_load_run_on_aot_and_node_only_when_both_workloads_are_served()
    {
        SharedWindowCase shared = Assert.Single(Full.SharedWindows);
        Assert.Equal(("embed-short-b1", 1, "embed-mixed-b32", 16), (shared.Probe, shared.ProbeClients, shared.Load, shared.LoadClients));
        Workload[] both = [WorkloadCatalog.EmbedShort1, WorkloadCatalog.EmbedMixed32];
        Assert.Single(Full.SharedWindowsOf("aot", both));
        Assert.Single(Full.SharedWindowsOf("node-ort", both));
        Assert.Empty(Full.SharedWindowsOf("torch-fastapi", both));
        Assert.Empty(Full.SharedWindowsOf("aot-int8", both));
        Assert.Empty(Full.SharedWindowsOf("aot", [WorkloadCatalog.EmbedShort1]));
        Assert.Empty(SuitePlan.CreateQuick().SharedWindows);
    }

    [Fact]
    public void The_probe_counts_from_the_cases_fewest_requests_and_may_stretch_to_its_longest_window()
    {
        SharedWindowCase shared = SharedWindowCase.ShortUnderMixed;
        (LoadOptions probe, LoadOptions load) = Full.SharedOptions(shared, WorkloadCatalog.EmbedShort1, WorkloadCatalog.EmbedMixed32);
        Assert.Equal((1, 16), (probe.Concurrency, load.Concurrency));
        Assert.Equal(Full.Options(WorkloadCatalog.EmbedMixed32, 16), load);
        Assert.Equal(3, probe.MinRequests);
        WindowRule rule = WindowRule.Create(0, probe);
        Assert.Equal(120, Clock.Seconds(rule.WindowStart, rule.Cap), 6);
        // A smaller --min-requests or a larger --max-stretch of the suite still applies to the probe.
        (LoadOptions loose, _) = (Full with { MinRequests = 1, MaxStretch = 100 }).SharedOptions(shared, WorkloadCatalog.EmbedShort1, WorkloadCatalog.EmbedMixed32);
        Assert.Equal((1, 100.0), (loose.MinRequests, loose.MaxStretch));
    }
}
