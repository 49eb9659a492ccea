using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Server.Models;
using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.Lifecycle;

/// <summary>The live repository's rules: leases outlive a swap, a retired version is never leased, readiness waits for loads.</summary>
public sealed class ModelRepositoryTests
{
    private static ModelRepository LoadTiny(params long[] versions) =>
        ModelLoader.Load([.. versions.Select(v => new ModelSource("tiny", v, TestModels.Tiny))], new ModelOptions { IntraOpThreads = 1 }, new BatcherOptions { MaxBatchRows = 2 }, _ => { });

    [Fact]
    public void A_lease_taken_before_a_swap_holds_the_old_version_and_new_leases_go_to_the_new_one()
    {
        using ModelRepository repository = LoadTiny(1, 2);
        ServedModel v1 = repository.Find("tiny", "1")!;
        ServedModel v2 = repository.Find("tiny", "2")!;
        ServedModel leased = repository.Lease("tiny", null)!;
        Assert.Same(v2, leased);

        IReadOnlyList<ServedModel> leaving = repository.Replace("tiny", [v1]);
        Assert.Same(v2, Assert.Single(leaving));
        v2.Retire();
        Assert.False(v2.IsDrained); // the request that found it still runs on it
        Assert.False(v2.TryLease());

        ServedModel next = repository.Lease("tiny", null)!;
        Assert.Same(v1, next);
        Assert.Null(repository.Lease("tiny", "2"));
        Assert.Null(repository.Lease("tiny"u8, 2));
        Assert.Same(v1, repository.Lease("tiny"u8, 0));

        leased.EndLease();
        Assert.True(v2.IsDrained);
        Assert.Equal(ModelVersionState.Unloading, v2.State);
        Assert.Contains(v2, repository.Running()); // still drained at shutdown until freed
        next.EndLease();
        v1.EndLease();
        v2.Dispose();
        repository.Freed(v2);
        Assert.DoesNotContain(v2, repository.Running());
    }

    [Fact]
    public void The_server_is_not_ready_while_a_model_with_no_ready_version_loads_and_the_index_says_why()
    {
        using ModelRepository repository = LoadTiny(1);
        Assert.True(repository.IsReady);

        repository.SetStatus(new ModelVersionStatus("other", 1, ModelVersionState.Loading, ""));
        Assert.False(repository.IsReady);
        // A new version of a model that already serves does not hold readiness back.
        repository.SetStatus(new ModelVersionStatus("tiny", 2, ModelVersionState.Loading, ""));
        repository.SetStatus(new ModelVersionStatus("other", 1, ModelVersionState.Unavailable, "not an ONNX model"));
        Assert.True(repository.IsReady);
        Assert.Contains("version 1: UNAVAILABLE, not an ONNX model", repository.NotFoundMessage("other", null));
        Assert.Equal(["other/1:Unavailable", "tiny/1:Ready", "tiny/2:Loading"], repository.Statuses().Select(static s => $"{s.Name}/{s.Version}:{s.State}"));
    }

    [Theory]
    [InlineData("latest", "3")]
    [InlineData("latest:2", "3,2")]
    [InlineData("all", "3,2,1")]
    [InlineData("specific:1,3,7", "3,1")]
    public void Version_policies_pick_versions_as_TF_Serving_and_Triton_do(string policy, string expected)
    {
        ModelSource[] found = [.. new long[] { 2, 1, 3 }.Select(static v => new ModelSource("m", v, $"/models/m/{v}/model.onnx"))];
        IReadOnlyList<ModelSource> picked = VersionSelection.Pick(found, VersionSelection.Parse(policy));
        Assert.Equal(expected, string.Join(",", picked.Select(static s => s.Version)));
    }

    [Theory]
    [InlineData("latest:0")]
    [InlineData("newest")]
    [InlineData("specific:")]
    [InlineData("specific:1,x")]
    public void A_bad_version_policy_flag_is_refused_naming_it(string policy)
    {
        FormatException error = Assert.Throws<FormatException>(() => VersionSelection.Parse(policy));
        Assert.Contains($"'{policy}'", error.Message);
    }
}
