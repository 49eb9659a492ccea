using Aot.LoadGen.Systems;
using Xunit;

namespace Aot.Bench.Tests;

public class CpuPlacementTests
{
    [Theory]
    [InlineData("0", new[] { 0 })]
    [InlineData("1-3", new[] { 1, 2, 3 })]
    [InlineData("0,2-3", new[] { 0, 2, 3 })]
    [InlineData(" 1 , 3 ", new[] { 1, 3 })]
    public void Cpu_lists_parse_as_taskset_writes_them(string list, int[] expected) =>
        Assert.Equal(expected, CpuPlacement.ParseList(list));

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("3-1")]
    [InlineData("1-2-3")]
    [InlineData("-1")]
    public void Malformed_lists_are_refused_with_the_list_named(string list)
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() => CpuPlacement.ParseList(list));
        Assert.Contains($"'{list}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pinned_servers_start_under_taskset_unpinned_ones_as_they_are()
    {
        var launch = new ServerLaunch("/bin/aot", ["serve", "--model", "tiny=/m.onnx"], new Dictionary<string, string> { ["A"] = "1" });
        ServerLaunch pinned = new CpuPlacement("0", "1").Apply(launch);
        Assert.Equal("taskset", pinned.Executable);
        Assert.Equal(["-c", "1", "/bin/aot", "serve", "--model", "tiny=/m.onnx"], pinned.Arguments);
        Assert.Same(launch.Environment, pinned.Environment);
        Assert.Equal("taskset -c 1 /bin/aot serve --model tiny=/m.onnx", pinned.CommandLine);
        Assert.Same(launch, new CpuPlacement("0-1", null).Apply(launch));
    }

    [Fact]
    public void Servers_may_not_share_the_load_generators_cpus_or_use_missing_ones()
    {
        ArgumentException overlap = Assert.Throws<ArgumentException>(() => new CpuPlacement("0-1", "1").Validate(2));
        Assert.Contains("overlaps the load generator's CPUs (0-1)", overlap.Message, StringComparison.Ordinal);
        ArgumentException missing = Assert.Throws<ArgumentException>(() => new CpuPlacement("0", "1-2").Validate(2));
        Assert.Contains("names CPU 2, but this machine has CPUs 0-1", missing.Message, StringComparison.Ordinal);
        new CpuPlacement("0", "1").Validate(2);
        new CpuPlacement("0-1", null).Validate(2);
    }

    [Fact]
    public void Affinity_is_read_from_proc_status()
    {
        Assert.Equal("0", CpuPlacement.ReadAffinity("Name:\tx\nCpus_allowed:\t1\nCpus_allowed_list:\t0\nMems_allowed:\t1\n"));
        Assert.Null(CpuPlacement.ReadAffinity("Name:\tx\n"));
        Assert.NotNull(CpuPlacement.Current(null).ClientCpus);
        Assert.Equal(Environment.ProcessorCount, CpuPlacement.ParseList(CpuPlacement.Current(null).ClientCpus).Count);
        Assert.True(CpuPlacement.MachineCpuCount() >= Environment.ProcessorCount);
    }

    [Fact]
    public void Server_cpu_count_follows_the_pinning()
    {
        Assert.Equal(1, new CpuPlacement("0", "1").ServerCpuCount(2));
        Assert.Equal(3, new CpuPlacement("0", "1-3").ServerCpuCount(4));
        Assert.Equal(2, new CpuPlacement("0-1", null).ServerCpuCount(2));
    }
}
