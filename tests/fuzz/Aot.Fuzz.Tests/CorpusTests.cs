namespace Aot.Fuzz.Tests;

/// <summary>
/// Every committed input of every fuzz target, run once in process: the seeds (tests/fuzz/corpus/TARGET) and the inputs
/// of crashes fuzzing found and that were fixed (tests/fuzz/regressions/TARGET). A crash is any exception the target
/// does not document as its refusal of bad input.
/// </summary>
public sealed class CorpusTests
{
    private static readonly string s_fuzz = Path.Combine(FindRoot(), "tests", "fuzz");

    public static TheoryData<string, string> Inputs()
    {
        var data = new TheoryData<string, string>();
        foreach (string target in FuzzTargets.Names)
        {
            foreach (string folder in (string[])["corpus", "regressions"])
            {
                string path = Path.Combine(s_fuzz, folder, target);
                foreach (string file in Directory.Exists(path) ? Replay.Files([path]) : [])
                {
                    data.Add(target, Path.GetRelativePath(s_fuzz, file));
                }
            }
        }

        return data;
    }

    public static TheoryData<string> Targets() => [.. FuzzTargets.Names];

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Input_is_accepted_or_refused_with_the_documented_error(string target, string file)
    {
        FuzzOutcome outcome = FuzzTargets.Get(target).Run(File.ReadAllBytes(Path.Combine(s_fuzz, file)));
        Assert.True(Enum.IsDefined(outcome));
    }

    /// <summary>A seed corpus the target refuses entirely would fuzz only the first checks of its parser.</summary>
    [Theory]
    [MemberData(nameof(Targets))]
    public void Seed_corpus_holds_inputs_the_target_accepts(string target)
    {
        string[] seeds = [.. Replay.Files([Path.Combine(s_fuzz, "corpus", target)])];
        Assert.NotEmpty(seeds);
        Assert.Contains(seeds, seed => FuzzTargets.Get(target).Run(File.ReadAllBytes(seed)) == FuzzOutcome.Accepted);
    }

    [Fact]
    public void Every_target_has_a_seed_corpus_and_nothing_else_does()
    {
        string[] folders = [.. Directory.GetDirectories(Path.Combine(s_fuzz, "corpus")).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(FuzzTargets.Names.Order(StringComparer.Ordinal), folders);
    }

    private static string FindRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Aot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Aot.sln above {AppContext.BaseDirectory}.");
    }
}
