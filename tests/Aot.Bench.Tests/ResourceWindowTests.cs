using Aot.LoadGen.Resources;
using Xunit;

namespace Aot.Bench.Tests;

public class ResourceWindowTests
{
    [Fact]
    public void Peak_median_and_cpu_delta()
    {
        ProcSample[] samples = [new(1, 1024, 0, 1.0), new(2, 4096, 0, 1.5), new(3, 2048, 0, 3.0)];
        ResourceWindow window = ResourceWindow.From(samples);
        Assert.Equal(4.0, window.PeakRssMb);
        Assert.Equal(2.0, window.SteadyRssMb);
        Assert.Equal(2.0, window.CpuSeconds, 6);
        Assert.Equal(3, window.Samples);
    }

    [Fact]
    public void Median_of_an_even_count_is_the_mean_of_the_middle_two()
    {
        ProcSample[] samples = [new(1, 1024, 0, 0), new(2, 3072, 0, 0)];
        Assert.Equal(2.0, ResourceWindow.From(samples).SteadyRssMb);
    }

    [Fact]
    public void No_samples_is_empty()
    {
        Assert.Equal(ResourceWindow.Empty, ResourceWindow.From([]));
    }
}
