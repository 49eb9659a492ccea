using Aot.LoadGen.Suite;
using Aot.LoadGen.Systems;
using Aot.LoadGen.Workloads;
using Xunit;

namespace Aot.Bench.Tests;

/// <summary>The int8 rows of the suite plan: which systems, on which workloads, from which files.</summary>
public class Int8PlanTests
{
    private static readonly BenchPaths Paths = new("/bin/aot", "/bin/aspnet-peer", "/nm", "/peers", null, "/cache/int8");

    [Fact]
    public void The_full_plan_adds_aot_int8_and_node_int8_only_when_asked()
    {
        Assert.DoesNotContain(SuitePlan.CreateFull(["aspnet-ort", "node-ort"]).Systems, SuitePlan.Int8Systems.Contains);
        Assert.False(SuitePlan.CreateFull(["aspnet-ort", "node-ort"]).Int8);

        SuitePlan plan = SuitePlan.CreateFull(["aspnet-ort", "node-ort", "torch-fastapi"], int8: true);
        Assert.Equal(["aot", "aot-batch", "aot-batch-d500", "aspnet-ort", "node-ort", "torch-fastapi", "aot-int8", "node-int8"], plan.Systems);
        Assert.True(plan.Int8);
        // The fp32 part of the plan is what it was: same workloads, same levels.
        Assert.Equal(WorkloadCatalog.All, plan.Workloads);
        Assert.Equal([1, 4, 16, 64], plan.Levels(WorkloadCatalog.ResNet50, "aot-int8"));
        Assert.Equal([1, 16], plan.Levels(WorkloadCatalog.EmbedShort1, "node-int8"));
    }

    [Fact]
    public void Without_the_node_peer_only_aot_int8_is_added()
    {
        SuitePlan plan = SuitePlan.CreateFull(["aspnet-ort"], int8: true);
        Assert.Contains("aot-int8", plan.Systems);
        Assert.DoesNotContain("node-int8", plan.Systems);
    }

    [Fact]
    public void The_quick_plan_has_no_int8_rows()
    {
        Assert.False(SuitePlan.CreateQuick().Int8);
    }

    [Fact]
    public void Int8_systems_cover_resnet50_minilm_s128_and_every_embed_case_only()
    {
        Assert.True(SuitePlan.Covers("aot-int8", WorkloadCatalog.ResNet50));
        Assert.True(SuitePlan.Covers("aot-int8", WorkloadCatalog.MiniLm128));
        Assert.All(WorkloadCatalog.Embeddings, w => Assert.True(SuitePlan.Covers("node-int8", w)));
        Assert.False(SuitePlan.Covers("aot-int8", WorkloadCatalog.Tiny));
        Assert.False(SuitePlan.Covers("aot-int8", WorkloadCatalog.MiniLm16));
        Assert.False(SuitePlan.Covers("node-int8", WorkloadCatalog.Lstm));
        // The fp32 systems are unaffected; the batching-window variant stays on the tiny model.
        Assert.True(SuitePlan.Covers("aot", WorkloadCatalog.Lstm));
        Assert.True(SuitePlan.Covers("aot-batch-d500", WorkloadCatalog.Tiny));
        Assert.False(SuitePlan.Covers("aot-batch-d500", WorkloadCatalog.ResNet50));
    }

    [Fact]
    public void Int8_files_are_the_ones_int8_models_sh_writes()
    {
        Assert.Equal(Path.Combine("/cache/int8", "resnet50-int8.onnx"), Int8Models.PathFor("/cache/int8", WorkloadCatalog.ResNet50));
        Assert.Equal(Path.Combine("/cache/int8", "minilm-int8.onnx"), Int8Models.PathFor("/cache/int8", WorkloadCatalog.MiniLm128));
        Assert.Equal(Path.Combine("/cache/int8", "minilm-int8.onnx"), Int8Models.PathFor("/cache/int8", WorkloadCatalog.EmbedShort1));
        Assert.Throws<ArgumentException>(() => Int8Models.PathFor("/cache/int8", WorkloadCatalog.Tiny));
    }

    [Fact]
    public void Int8_systems_serve_the_int8_file_over_the_fp32_systems_protocols()
    {
        var catalog = new SystemCatalog(Paths, 2);
        SystemDefinition aot = catalog.AotInt8;
        Assert.True(aot.Int8);
        Assert.Equal("aot", aot.Kind);
        Assert.Equal(["binary"], aot.ProtocolsFor(WorkloadCatalog.ResNet50));
        Assert.Equal(["embed-http"], aot.ProtocolsFor(WorkloadCatalog.EmbedShort1));
        SystemDefinition node = catalog.NodeInt8;
        Assert.True(node.Int8);
        Assert.Equal("node-int8", node.Name);
        Assert.Equal(catalog.Node.Protocols, node.Protocols);
        Assert.False(catalog.Node.Int8);
        Assert.False(catalog.Aot.Int8);
        Assert.Equal("/cache/int8", catalog.Int8Directory);
    }
}
