using System.Diagnostics;
using System.Text.Json;
using Aot.LoadGen.Results;
using Aot.LoadGen.Suite;
using Aot.LoadGen.Workloads;
using Aot.Models;
using Xunit;

namespace Aot.Bench.Tests;

/// <summary>The /embed workloads: texts, bodies, the vector comparison, the plan, and the PyTorch peer's tokenizer.</summary>
public class EmbedTests
{
    [Fact]
    public void Short_texts_are_one_sentence_of_8_to_11_words()
    {
        Assert.Equal(32, EmbedTexts.Short.Count);
        Assert.Equal(32, EmbedTexts.Short.Distinct().Count());
        Assert.All(EmbedTexts.Short, text =>
        {
            Assert.InRange(text.Split(' ').Length, 8, 11);
            Assert.EndsWith(".", text, StringComparison.Ordinal);
            Assert.Single(text, c => c == '.');
        });
    }

    [Fact]
    public void Long_texts_hold_200_to_240_tokens()
    {
        Assert.Equal(32, EmbedTexts.Long.Count);
        Assert.Equal(32, EmbedTexts.Long.Distinct().Count());
        Assert.All(EmbedTexts.Long, text => Assert.InRange(EmbedTexts.TokenCount(text), EmbedTexts.LongMinTokens, EmbedTexts.LongMaxTokens));
    }

    [Fact]
    public void Mixed_texts_span_8_to_256_tokens_mostly_short_with_a_long_tail()
    {
        Assert.Equal(32, EmbedTexts.Mixed.Count);
        Assert.Equal(32, EmbedTexts.Mixed.Distinct().Count());
        int[] tokens = [.. EmbedTexts.Mixed.Select(EmbedTexts.TokenCount).Order()];
        Assert.All(tokens, t => Assert.InRange(t, EmbedTexts.MixedMinTokens, EmbedTexts.MixedMaxTokens));
        Assert.InRange(tokens[16], 25, 60);                  // median near 40
        Assert.InRange(tokens.Count(t => t <= 24), 6, 16);   // a quarter or more are query-sized
        Assert.InRange(tokens.Count(t => t > 128), 1, 6);    // and a few are passages
        Assert.Equal(8, tokens[0]);
        Assert.Equal(256, tokens[^1]);
    }

    [Fact]
    public void Texts_are_the_same_in_every_run()
    {
        Assert.Equal("The quiet doctor repaired the private table beside the south.", EmbedTexts.Short[0]);
        Assert.Equal(1812, EmbedTexts.Short.Sum(t => t.Length));
        Assert.Equal(1890, EmbedTexts.Mixed.Sum(EmbedTexts.TokenCount));
    }

    [Fact]
    public void Padding_waste_is_padded_positions_over_all_positions_of_the_batch()
    {
        EmbedPadding padding = EmbedPadding.Of([4, 2, 2]);
        Assert.Equal(new EmbedPadding(3, 4, 8, 4), padding);
        Assert.Equal(4.0 / 12, padding.Waste, 12);
        Assert.Equal(0, EmbedPadding.Of([7, 7]).Waste);
        Assert.Equal(0, EmbedPadding.Of([]).Waste);

        EmbedPadding mixed = WorkloadCatalog.EmbedMixed32.Padding!;
        Assert.Equal((32, 256, 1890L, (32 * 256) - 1890L), (mixed.Texts, mixed.LongestTokens, mixed.RealTokens, mixed.PaddingTokens));
        Assert.InRange(mixed.Waste, 0.76, 0.78);
        Assert.Contains("padding waste 77 % in one batch", WorkloadCatalog.EmbedMixed32.Description, StringComparison.Ordinal);
        Assert.True(WorkloadCatalog.EmbedLong32.Padding!.Waste < 0.1);
        Assert.Null(WorkloadCatalog.Tiny.Padding);
    }

    [Fact]
    public void Every_word_is_one_token_of_the_models_vocabulary()
    {
        // What makes TokenCount exact: each word is a whole entry of MiniLM's vocab.txt (the full stop is one too).
        HashSet<string> vocabulary = [.. File.ReadAllLines(ModelStore.GetPath("minilm", "vocab.txt"))];
        string[] words = [.. EmbedTexts.Adjectives, .. EmbedTexts.Nouns, .. EmbedTexts.Verbs, .. EmbedTexts.Things, .. EmbedTexts.Places,
            .. EmbedTexts.Prepositions, .. EmbedTexts.Adverbs, "the", "."];
        Assert.All(words, word => Assert.True(vocabulary.Contains(word), $"'{word}' is not an entry of vocab.txt"));
    }

    [Fact]
    public void The_pytorch_peers_tokenizer_counts_the_bench_texts_as_the_workloads_do_and_matches_hugging_face()
    {
        string vocab = ModelStore.GetPath("minilm", "vocab.txt");
        string root = RepositoryRoot();
        using JsonDocument reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(root, "tests/Aot.Embeddings.Tests/Reference/minilm.json")));
        JsonElement[] sentences = [.. reference.RootElement.GetProperty("sentences").EnumerateArray()];
        string[] texts = [.. sentences.Select(s => s.GetProperty("text").GetString()!), .. EmbedTexts.Short, .. EmbedTexts.Long, .. EmbedTexts.Mixed];
        int[][] ids = RunWordPiece(root, vocab, texts);
        for (int i = 0; i < sentences.Length; i++)
        {
            JsonElement bert = sentences[i].GetProperty("bertIds");
            int[] expected = bert.ValueKind == JsonValueKind.String ? JsonSerializer.Deserialize<int[]>(bert.GetString()!)! : JsonSerializer.Deserialize<int[]>(bert)!;
            Assert.True(expected.SequenceEqual(ids[i]), $"wordpiece.py differs from Hugging Face tokenizers on {JsonSerializer.Serialize(texts[i])}");
        }

        for (int i = sentences.Length; i < texts.Length; i++)
        {
            Assert.Equal(EmbedTexts.TokenCount(texts[i]), ids[i].Length);
            Assert.DoesNotContain(100, ids[i]);   // [UNK]
        }
    }

    [Fact]
    public void Embed_bodies_are_teis_one_text_as_a_string_several_as_an_array()
    {
        using JsonDocument one = JsonDocument.Parse(WorkloadCatalog.EmbedShort1.EmbedBody!);
        Assert.Equal(EmbedTexts.Short[0], one.RootElement.GetProperty("inputs").GetString());
        Assert.True(one.RootElement.GetProperty("normalize").GetBoolean());
        using JsonDocument many = JsonDocument.Parse(WorkloadCatalog.EmbedLong32.EmbedBody!);
        Assert.Equal(EmbedTexts.Long, many.RootElement.GetProperty("inputs").EnumerateArray().Select(e => e.GetString()!));
        Assert.All(WorkloadCatalog.Embeddings, w => Assert.True(w.IsEmbedding && w.Inputs.Count == 0 && w.Model == "minilm-embed" && w.StoreName == "minilm"));
        Assert.Null(WorkloadCatalog.Tiny.EmbedBody);
    }

    [Fact]
    public void Identical_vectors_agree_and_different_ones_do_not()
    {
        float[][] a = [[0.6f, 0.8f, 0], [1, 0, 0]];
        EmbedAgreement same = EmbedAgreement.Compare("w", "x", a, "y", [[0.6f, 0.8f, 0], [2, 0, 0]]);
        Assert.True(same.Agrees);
        Assert.Equal(1, same.MinCosine, 9);
        Assert.Equal(3, same.Dimensions);
        EmbedAgreement rotated = EmbedAgreement.Compare("w", "x", a, "y", [[0.6f, 0.8f, 0], [0.99f, 0.141f, 0]]);
        Assert.False(rotated.Agrees);
        Assert.InRange(rotated.MinCosine, 0.98, 0.999);
        Assert.Equal(0, EmbedAgreement.Cosine([0, 0], [1, 1]));
    }

    [Fact]
    public void Answers_of_different_shapes_are_named_as_such()
    {
        EmbedAgreement count = EmbedAgreement.Compare("w", "x", [[1f]], "y", [[1f], [1f]]);
        Assert.False(count.Agrees);
        Assert.Equal("x answered 1 vectors, y 2", count.Problem);
        EmbedAgreement width = EmbedAgreement.Compare("w", "x", [[1f, 0f]], "y", [[1f]]);
        Assert.False(width.Agrees);
        Assert.StartsWith("vector lengths differ", width.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void The_full_plan_limits_the_pytorch_peer_on_the_heavy_embedding_cases_and_says_why()
    {
        SuitePlan plan = SuitePlan.CreateFull(["aspnet-ort", "node-ort", "torch-fastapi"]);
        Assert.Equal([1, 16], plan.Levels(WorkloadCatalog.EmbedShort1, "torch-fastapi"));
        Assert.Equal([1], plan.Levels(WorkloadCatalog.EmbedShort32, "torch-fastapi"));
        Assert.Empty(plan.Levels(WorkloadCatalog.EmbedLong32, "torch-fastapi"));
        Assert.NotEmpty(plan.Limit(WorkloadCatalog.EmbedLong32, "torch-fastapi")!.Reason);
        Assert.Equal([1], plan.Levels(WorkloadCatalog.EmbedLong32, "aot"));
        Assert.Equal([1, 16], plan.Levels(WorkloadCatalog.EmbedShort32, "node-ort"));
        Assert.Contains(WorkloadCatalog.EmbedShort32, SuitePlan.CreateQuick().Workloads);
        Assert.Contains(WorkloadCatalog.EmbedMixed32, plan.Workloads);
        // Issue 14: the mixed lengths at 1 and 16 clients (MixedLoadPlanTests).
        Assert.Equal([1, 16], plan.Levels(WorkloadCatalog.EmbedMixed32, "aot"));
        Assert.Equal([1, 16], plan.Levels(WorkloadCatalog.EmbedMixed32, "node-ort"));
        Assert.Empty(plan.Levels(WorkloadCatalog.EmbedMixed32, "torch-fastapi"));
    }

    [Fact]
    public void A_plan_can_be_cut_to_single_cases_and_refuses_unknown_names()
    {
        SuitePlan plan = SuitePlan.CreateFull(["aspnet-ort"]).Only(["embed-short-b1"], ["aot"]);
        Assert.Equal(["embed-short-b1"], plan.Workloads.Select(w => w.Name));
        Assert.Equal(["aot"], plan.Systems);
        ArgumentException error = Assert.Throws<ArgumentException>(() => SuitePlan.CreateQuick().Only(["resnet50"], null));
        Assert.Contains("Workload 'resnet50' is not in this plan", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SuitePlan.CreateQuick().Only(null, ["node-ort"]));
    }

    [Fact]
    public void Empty_name_lists_select_the_whole_plan_as_absent_options_do()
    {
        // System.CommandLine reads an absent list option as an empty array: that must not cut the plan to nothing.
        SuitePlan full = SuitePlan.CreateFull(["aspnet-ort"]);
        SuitePlan plan = full.Only([], []);
        Assert.Equal(full.Workloads, plan.Workloads);
        Assert.Equal(full.Systems, plan.Systems);
        Assert.NotEmpty(plan.Workloads);
    }

    [Fact]
    public void A_suite_that_ran_nothing_is_a_failure()
    {
        var results = new SuiteResults
        {
            Date = "2026-11-30", Quick = false, Machine = new MachineInfo(2, "cpu", 24, "linux", ".NET", "0.1 0.2 0.3"),
            LoadAverageAtStart = "0.1 0.2 0.3", Threads = 2, WorkloadNotes = "notes", Cpus = new Aot.LoadGen.Systems.CpuPlacement("0-1", null),
        };
        Assert.True(results.HasFailures);
    }

    private static int[][] RunWordPiece(string root, string vocab, string[] texts)
    {
        var info = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(root, "bench/peers/torch/wordpiece.py"));
        info.ArgumentList.Add(vocab);
        using Process process = Process.Start(info) ?? throw new InvalidOperationException("python3 could not be started (the PyTorch peer's tokenizer needs it).");
        process.StandardInput.Write(JsonSerializer.Serialize(texts));
        process.StandardInput.Close();
        Task<string> error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"wordpiece.py exited with {process.ExitCode}: {error.Result}");
        return JsonSerializer.Deserialize<int[][]>(output)!;
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Aot.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException($"No Aot.sln above {AppContext.BaseDirectory}.");
    }
}
