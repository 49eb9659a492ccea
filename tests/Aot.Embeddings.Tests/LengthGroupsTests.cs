using Aot.Embeddings;

namespace Aot.Embeddings.Tests;

/// <summary>
/// How one request's texts are cut into encoder runs by length: exact least cost (checked against every possible cut
/// of small inputs), the row and token limits, and the padding a realistic mix of lengths keeps.
/// </summary>
public sealed class LengthGroupsTests
{
    private const int Overhead = LengthGroups.DefaultRunOverheadTokens;

    private static List<int[]> Runs(int[] lengths, int maxRows = 32, long maxTokens = 16384, int overhead = Overhead)
    {
        int[] ends = LengthGroups.Plan(lengths, maxRows, maxTokens, overhead, out int[] order);
        var runs = new List<int[]>();
        for (int r = 0, start = 0; r < ends.Length; start = ends[r++])
        {
            runs.Add([.. order[start..ends[r]].Select(i => lengths[i])]);
        }

        Assert.Equal(Enumerable.Range(0, lengths.Length), order.Order()); // every text exactly once
        return runs;
    }

    private static long Cost(IEnumerable<int[]> runs, int overhead = Overhead) => runs.Sum(r => ((long)r.Length * r.Max()) + overhead);

    [Fact]
    public void Texts_of_one_length_run_together()
    {
        Assert.Equal([[12, 12, 12, 12]], Runs([12, 12, 12, 12]));
        Assert.Equal([[40]], Runs([40]));
        Assert.Empty(Runs([]));
    }

    [Fact]
    public void Long_texts_run_apart_from_short_ones_and_each_result_keeps_its_index()
    {
        int[] lengths = [8, 256, 10, 250, 9];
        int[] ends = LengthGroups.Plan(lengths, 32, 16384, Overhead, out int[] order);
        Assert.Equal([3, 5], ends);
        Assert.Equal([0, 2, 4], order[..3].Order());
        Assert.Equal([1, 3], order[3..].Order());
    }

    [Fact]
    public void Runs_keep_to_the_row_and_token_limits_and_a_text_over_the_token_limit_runs_alone()
    {
        Assert.All(Runs([.. Enumerable.Repeat(20, 10)], maxRows: 4), r => Assert.True(r.Length <= 4));
        Assert.All(Runs([.. Enumerable.Repeat(100, 9)], maxTokens: 300), r => Assert.True(r.Length * r.Max() <= 300));
        Assert.Equal([[10, 10], [500]], Runs([500, 10, 10], maxTokens: 300));
    }

    [Fact]
    public void The_plan_costs_no_more_than_any_other_cut_of_the_sorted_texts()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            int[] lengths = [.. Enumerable.Range(0, random.Next(1, 11)).Select(_ => random.Next(1, 300))];
            int overhead = random.Next(0, 80);
            long planned = Cost(Runs(lengths, overhead: overhead), overhead);
            int[] sorted = [.. lengths.Order()];
            long best = long.MaxValue;
            for (int cuts = 0; cuts < 1 << (sorted.Length - 1); cuts++)
            {
                var runs = new List<int[]>();
                for (int i = 0, start = 0; i < sorted.Length; i++)
                {
                    if (i == sorted.Length - 1 || (cuts & (1 << i)) != 0)
                    {
                        runs.Add(sorted[start..(i + 1)]);
                        start = i + 1;
                    }
                }

                best = Math.Min(best, Cost(runs, overhead));
            }

            Assert.Equal(best, planned);
        }
    }

    [Fact]
    public void A_realistic_mix_of_lengths_wastes_under_a_tenth_of_its_positions()
    {
        // Log-normal lengths (median 40 tokens, sigma 0.9 of ln tokens) clamped to 8-256, as the bench's mixed workload:
        // as one padded batch most positions are padding.
        var random = new Random(11);
        long real = 0, planned = 0, whole = 0;
        for (int request = 0; request < 100; request++)
        {
            int[] lengths = [.. Enumerable.Range(0, 32).Select(_ => Math.Clamp((int)Math.Round(Math.Exp(Math.Log(40) + (0.9 * Gaussian(random)))), 8, 256))];
            real += lengths.Sum();
            whole += 32L * lengths.Max();
            planned += Runs(lengths).Sum(r => (long)r.Length * r.Max());
        }

        double waste = 1 - ((double)real / planned);
        Assert.True(waste <= 0.10, $"padding waste {waste:P1} of the planned runs");
        Assert.True(1 - ((double)real / whole) > 0.5, "the mix is not one where padding matters");
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
