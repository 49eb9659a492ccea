using Aot.Models.Synthetic;

namespace Aot.Models.Tests;

/// <summary>The PRNG is pinned to its published algorithms, so weights never change under our feet.</summary>
public class SeededRandomTests
{
    [Fact]
    public void SplitMix64_matches_the_reference_output()
    {
        // First output of the reference splitmix64.c for state 0.
        ulong state = 0;
        Assert.Equal(0xE220A8397B1DCDAFUL, SeededRandom.SplitMix64(ref state));
    }

    [Fact]
    public void Xoshiro256StarStar_matches_the_reference_algorithm()
    {
        // Computed with an independent transcription of xoshiro256starstar.c, state seeded by splitmix64(42).
        var random = new SeededRandom(42);
        Assert.Equal(0x15780B2E0C2EC716UL, random.NextUInt64());
        Assert.Equal(0x6104D9866D113A7EUL, random.NextUInt64());
        Assert.Equal(0xAE17533239E499A1UL, random.NextUInt64());
    }

    [Fact]
    public void Uniform_floats_stay_within_limits_and_cover_the_range()
    {
        var random = new SeededRandom(7);
        var values = new float[100_000];
        random.FillUniform(values, 0.25f);
        Assert.All(values, value => Assert.InRange(value, -0.25f, 0.25f));
        Assert.InRange(values.Min(), -0.25f, -0.2499f);
        Assert.InRange(values.Max(), 0.2499f, 0.25f);
        Assert.InRange(values.Average(), -0.002, 0.002);
    }
}
