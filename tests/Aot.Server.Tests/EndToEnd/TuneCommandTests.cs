using System.Text.Json;
using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.EndToEnd;

/// <summary><c>aot tune</c> end to end on the tiny model: progress, the table, the written file served as it is, the SLO refusal.</summary>
public sealed class TuneCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("tune-e2e-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_config_tune_writes_is_served_as_it_is()
    {
        string written = Path.Combine(_folder, "tiny.config.json");
        string csv = Path.Combine(_folder, "points.csv");
        (int exitCode, string output) = await ServerProcess.RunToExitAsync(RepoPaths.BuiltServer,
            "tune", "--model", $"tiny={TestModels.Tiny}", "--concurrency", "2", "--budget", "8s", "--window", "0.2s", "-o", written, "--csv", csv);

        Assert.True(exitCode == 0, output);
        Assert.Contains("coarse-to-fine search over", output);
        Assert.Contains("[point 1, coarse] threads=1 workers=1 max_batch=1 max_delay_us=0", output);
        Assert.Contains("of budget left", output);
        Assert.Contains("| # | stage", output.Replace("|  #", "| #", StringComparison.Ordinal));
        Assert.Contains("← chosen", output);
        Assert.Contains("chosen: threads=", output);
        Assert.True(File.ReadAllLines(csv).Length >= 2, File.ReadAllText(csv));

        using JsonDocument file = JsonDocument.Parse(File.ReadAllText(written));
        await using ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer, ["--model", $"tiny={TestModels.Tiny}", "--config", $"tiny={written}"], threads: null);
        using JsonDocument served = JsonDocument.Parse(await server.Http.GetStringAsync("/v2/models/tiny/config"));
        foreach (JsonProperty setting in file.RootElement.EnumerateObject())
        {
            Assert.Equal(setting.Value.GetInt32(), served.RootElement.GetProperty(setting.Name).GetInt32());
        }

        Assert.Equal(["intra_op_threads", "workers", "max_batch", "max_delay_us"], file.RootElement.EnumerateObject().Select(static p => p.Name));
    }

    [Fact]
    public async Task When_no_point_meets_the_slo_it_says_so_writes_nothing_and_exits_2()
    {
        string written = Path.Combine(_folder, "never.json");
        (int exitCode, string output) = await ServerProcess.RunToExitAsync(RepoPaths.BuiltServer,
            "tune", "--model", $"tiny={TestModels.Tiny}", "--concurrency", "1", "--budget", "6s", "--window", "0.2s", "--p99-slo-ms", "0.000001", "-o", written);

        Assert.Equal(2, exitCode);
        Assert.Contains("No point met the p99 SLO of 1E-06 ms", output.Replace("0.000001", "1E-06", StringComparison.Ordinal));
        Assert.Contains("nothing written", output);
        Assert.Contains("[point 1, coarse]", output); // points were measured; none qualified
        Assert.False(File.Exists(written));
    }

    [Fact]
    public async Task A_budget_too_small_for_any_point_says_so_and_writes_nothing()
    {
        string written = Path.Combine(_folder, "none.json");
        (int exitCode, string output) = await ServerProcess.RunToExitAsync(RepoPaths.BuiltServer,
            "tune", "--model", $"tiny={TestModels.Tiny}", "--budget", "1s", "-o", written);

        Assert.Equal(2, exitCode);
        Assert.Contains("The budget of 1 s allowed no point to be measured", output);
        Assert.False(File.Exists(written));
    }

    [Fact]
    public async Task A_text_model_is_tuned_on_embed_with_the_texts_of_a_file()
    {
        string texts = Path.Combine(_folder, "texts.txt");
        File.WriteAllLines(texts, ["a short text", "", "another, somewhat longer text to embed"]);
        string written = Path.Combine(_folder, "minilm.json");
        (int exitCode, string output) = await ServerProcess.RunToExitAsync(RepoPaths.BuiltServer,
            "tune", "--model", $"minilm={TestModels.MiniLm}", "--texts", texts, "--concurrency", "2", "--budget", "10s", "--window", "0.3s", "-o", written);

        Assert.True(exitCode == 0, output);
        Assert.Contains("[point 1, coarse]", output);
        Assert.DoesNotContain("errors", output); // every /embed request answered 200
        Assert.True(File.Exists(written));
    }

    [Theory]
    [InlineData("--budget", "soon", "--budget 'soon' is not a duration")]
    [InlineData("--concurrency", "0", "--concurrency '0': expected client counts from 1 to 4096")]
    [InlineData("--shape", "x=1,abc", "--shape 'x=1,abc' is not NAME=DIMS")]
    public async Task Bad_options_are_refused_with_a_clear_message(string option, string value, string expected)
    {
        (int exitCode, string output) = await ServerProcess.RunToExitAsync(RepoPaths.BuiltServer, "tune", "--model", $"tiny={TestModels.Tiny}", option, value);
        Assert.Equal(1, exitCode);
        Assert.Contains(expected, output);
    }
}
