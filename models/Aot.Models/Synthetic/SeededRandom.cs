namespace Aot.Models.Synthetic;

/// <summary>
/// xoshiro256** (Blackman and Vigna, https://prng.di.unimi.it/) seeded through SplitMix64: a small, fast PRNG
/// whose output is fixed by this code alone. <see cref="System.Random"/> is not used because its algorithm is
/// an implementation detail that has changed between .NET versions, and generated weights must not.
/// </summary>
/// <remarks>
/// Floats come from the top 24 bits of a draw, scaled by a power of two, and are only ever multiplied by
/// correctly rounded values (no Math.Log/Sin), so every IEEE 754 platform produces the same bits.
/// </remarks>
public sealed class SeededRandom
{
    private ulong _s0;
    private ulong _s1;
    private ulong _s2;
    private ulong _s3;

    /// <summary>Creates a generator; equal seeds give equal sequences.</summary>
    public SeededRandom(ulong seed)
    {
        // SplitMix64 spreads any seed (0 included) over the 256-bit state, which must not be all zero.
        var splitMix = seed;
        _s0 = SplitMix64(ref splitMix);
        _s1 = SplitMix64(ref splitMix);
        _s2 = SplitMix64(ref splitMix);
        _s3 = SplitMix64(ref splitMix);
    }

    /// <summary>One step of SplitMix64 (Steele, Lea and Flood), advancing <paramref name="state"/>.</summary>
    public static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A float uniform in [0, 1), a multiple of 2^-24.</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>A float uniform in [-<paramref name="limit"/>, <paramref name="limit"/>).</summary>
    public float NextUniform(float limit) => (NextFloat() * 2f - 1f) * limit;

    /// <summary>Fills <paramref name="destination"/> with floats uniform in [-<paramref name="limit"/>, <paramref name="limit"/>).</summary>
    public void FillUniform(Span<float> destination, float limit)
    {
        for (var i = 0; i < destination.Length; i++)
            destination[i] = NextUniform(limit);
    }

    /// <summary>An integer uniform in [0, <paramref name="exclusiveMax"/>) (tiny modulo bias is irrelevant for test data).</summary>
    public long NextInt64(long exclusiveMax)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(exclusiveMax);
        return (long)(NextUInt64() % (ulong)exclusiveMax);
    }
}
