using Aot.LoadGen.Resources;
using Xunit;

namespace Aot.Bench.Tests;

public class AllocationGaugeTests
{
    [Fact]
    public void Reads_the_counter_from_prometheus_text()
    {
        const string text = "# HELP aot_dotnet_allocated_bytes_total x\n# TYPE aot_dotnet_allocated_bytes_total counter\naot_dotnet_allocated_bytes_total 123456789\naot_requests_total{model=\"tiny\"} 5\n";
        Assert.Equal(123456789, AllocationGauge.Parse(text));
    }

    [Fact]
    public void Labels_and_exponents_are_accepted()
    {
        Assert.Equal(1.5e9, AllocationGauge.Parse("aot_dotnet_allocated_bytes_total{process=\"aot\"} 1.5e+09\n"));
    }

    [Fact]
    public void Absent_or_prefixed_metrics_read_as_null()
    {
        Assert.Null(AllocationGauge.Parse("aot_requests_total 5\n"));
        Assert.Null(AllocationGauge.Parse("aot_dotnet_allocated_bytes_total_created 5\n"));
    }
}
