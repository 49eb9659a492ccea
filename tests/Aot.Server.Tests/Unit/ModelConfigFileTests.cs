using System.Buffers;
using System.Text;
using System.Text.Json;
using Aot.Embeddings.Pooling;
using Aot.Runtime;
using Aot.Server.Hosting;
using Aot.Server.Models;

namespace Aot.Server.Tests.Unit;

/// <summary>The config.json reader: every key, and each class of bad file refused naming the file, the key and what is allowed.</summary>
public sealed class ModelConfigFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("config-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string json, string name = "config.json")
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, json);
        return path;
    }

    private static string Refusal(string path) => Assert.Throws<StartupException>(() => ModelConfigFile.Read(path)).Message;

    [Fact]
    public void Every_key_is_read()
    {
        File.WriteAllText(Path.Combine(_folder, "vocab.txt"), "[PAD]\n");
        string path = Write("""
            {
              "device": "CUDA:1", "intra_op_threads": 3, "inter_op_threads": 2, "workers": 4, "max_batch": 16, "max_delay_us": 750,
              "max_queue": 99, "pad_sequences": true, "max_batch_tokens": 4096, "optimization_level": "basic", "cpu_arena": "off",
              "warmup": false, "inline_lone_requests": false,
              "text": { "tokenizer": "vocab.txt", "pooling": "cls", "max_input_length": 128, "max_client_batch_size": 8, "auto_truncate": true, "prompts": { "q": "query: " } },
              "version_policy": { "specific": { "versions": [3, 1, 3] } }
            }
            """);
        ModelConfig config = ModelConfigFile.Read(path);

        Assert.Equal(path, config.Path);
        Assert.Equal("cuda:1", config.Device);
        Assert.Equal(3, config.IntraOpThreads);
        Assert.Equal(2, config.InterOpThreads);
        Assert.Equal(4, config.Workers);
        Assert.Equal(16, config.MaxBatch);
        Assert.Equal(750, config.MaxDelayMicros);
        Assert.Equal(99, config.MaxQueue);
        Assert.True(config.PadSequences);
        Assert.Equal(4096, config.MaxBatchTokens);
        Assert.Equal(GraphOptimization.Basic, config.OptimizationLevel);
        Assert.Equal("off", config.CpuArena);
        Assert.False(config.Warmup);
        Assert.False(config.InlineLoneRequests);
        Assert.Equal(Path.Combine(_folder, "vocab.txt"), config.Text!.Tokenizer);
        Assert.Equal(PoolingMode.Cls, config.Text.Pooling);
        Assert.Equal(128, config.Text.MaxInputLength);
        Assert.Equal(8, config.Text.MaxClientBatchSize);
        Assert.True(config.Text.AutoTruncate);
        Assert.Equal("query: ", config.Text.Prompts!["q"]);
        Assert.Equal(VersionPolicy.Specific([1, 3]), config.VersionPolicy);
    }

    [Fact]
    public void An_empty_object_gives_nothing_so_flags_and_defaults_decide()
    {
        ModelConfig config = ModelConfigFile.Read(Write("{}"));
        Assert.Equal(ModelSettings.Default with { ConfigPath = config.Path }, new ServerOptions().SettingsFor(config));
    }

    [Theory]
    [InlineData("""{"latest":{"num_versions":2}}""", "latest(2)")]
    [InlineData("""{"all":{}}""", "all")]
    [InlineData("""{"specific":{"versions":[4]}}""", "specific(4)")]
    public void Version_policy_takes_three_shapes(string policy, string expected) =>
        Assert.Equal(expected, ModelConfigFile.Read(Write($$"""{"version_policy":{{policy}}}""")).VersionPolicy!.ToString());

    [Theory]
    [InlineData("""{"max_batch":8,"max_bacth":4}""", "'$.max_bacth': unknown key; allowed keys here: device, intra_op_threads")]
    [InlineData("""{"text":{"pooling":"mean","poolng":"cls"}}""", "'$.text.poolng': unknown key; allowed keys here: tokenizer, pooling, max_input_length")]
    [InlineData("""{"version_policy":{"newest":{}}}""", "'$.version_policy.newest': unknown key; allowed keys here: latest, all, specific")]
    [InlineData("""{"version_policy":{"latest":{"num_versions":1,"n":2}}}""", "'$.version_policy.latest.n': unknown key; allowed keys here: num_versions")]
    public void An_unknown_key_is_refused_naming_it_and_the_allowed_keys(string json, string expected)
    {
        string path = Write(json);
        string message = Refusal(path);
        Assert.Contains($"Config file '{path}'", message);
        Assert.Contains(expected, message);
    }

    [Theory]
    [InlineData("""{"workers":"2"}""", "'$.workers': expected an integer from 1 to 256", "got the string \"2\"")]
    [InlineData("""{"max_delay_us":1.5}""", "'$.max_delay_us': expected an integer from 0 to", "got the number 1.5")]
    [InlineData("""{"pad_sequences":"yes"}""", "'$.pad_sequences': expected true or false", "got the string \"yes\"")]
    [InlineData("""{"device":1}""", "'$.device': expected a string (cpu, cuda, cuda:N or auto)", "got the number 1")]
    [InlineData("""{"text":[]}""", "'$.text': expected an object", "got an array")]
    [InlineData("""{"text":{"prompts":{"q":null}}}""", "'$.text.prompts.q': expected a string", "got null")]
    [InlineData("""[]""", "'$': expected an object", "got an array")]
    [InlineData("""{"version_policy":{"specific":{"versions":["1"]}}}""", "'$.version_policy.specific.versions[0]': expected a version number ≥ 1", "got the string \"1\"")]
    public void A_wrong_type_is_refused_naming_the_key_and_the_expected_type(string json, string expected, string got)
    {
        string message = Refusal(Write(json));
        Assert.Contains(expected, message);
        Assert.Contains(got, message);
    }

    [Theory]
    [InlineData("""{"intra_op_threads":-1}""", "'$.intra_op_threads': expected an integer from 0 to 1024", "got -1")]
    [InlineData("""{"max_batch":0}""", "'$.max_batch': expected an integer from 1 to", "got 0")]
    [InlineData("""{"workers":0}""", "'$.workers': expected an integer from 1 to 256", "got 0")]
    [InlineData("""{"max_queue":0}""", "'$.max_queue': expected an integer from 1 to", "got 0")]
    [InlineData("""{"device":"tpu"}""", "'$.device': expected one of cpu, cuda, cuda:N or auto", "got \"tpu\"")]
    [InlineData("""{"cpu_arena":"maybe"}""", "'$.cpu_arena': expected one of \"auto\", \"on\", \"off\"", "got \"maybe\"")]
    [InlineData("""{"optimization_level":"max"}""", "'$.optimization_level': expected one of \"disabled\", \"basic\", \"extended\", \"all\"", "got \"max\"")]
    [InlineData("""{"text":{"max_input_length":1}}""", "'$.text.max_input_length': expected an integer from 2 to", "got 1")]
    [InlineData("""{"text":{"pooling":"max"}}""", "'$.text.pooling': expected one of \"mean\", \"cls\"", "got \"max\"")]
    [InlineData("""{"text":{"tokenizer":"no-such-vocab.txt"}}""", "'$.text.tokenizer': vocabulary file", "was not found")]
    [InlineData("""{"version_policy":{"latest":{"num_versions":0}}}""", "'$.version_policy.latest.num_versions': expected an integer from 1 to", "got 0")]
    [InlineData("""{"version_policy":{"latest":{}}}""", "'$.version_policy.latest.num_versions': is required", "an integer ≥ 1")]
    [InlineData("""{"version_policy":{"all":{},"latest":{"num_versions":1}}}""", "'$.version_policy': must hold exactly one policy", "it holds 2")]
    [InlineData("""{"version_policy":{"specific":{"versions":[]}}}""", "'$.version_policy.specific.versions': expected a non-empty array", "got an array")]
    [InlineData("""{"max_batch":4,"max_batch":8}""", "'$.max_batch': is given twice", "")]
    public void An_impossible_value_is_refused_naming_the_key_and_the_allowed_values(string json, string expected, string got)
    {
        string message = Refusal(Write(json));
        Assert.Contains(expected, message);
        Assert.Contains(got, message);
    }

    [Theory]
    [InlineData("{\n  \"max_batch\": 8,\n}", 3, 1, "trailing comma")]
    [InlineData("{\n  \"workers\": 2\n  \"max_batch\": 8\n}", 3, 3, "")]
    [InlineData("{\"workers\": 2 // two\n}", 1, 15, "")]
    [InlineData("", 1, 1, "")]
    public void Invalid_json_is_refused_with_its_line_and_column(string json, int line, int column, string detail)
    {
        string path = Write(json);
        string message = Refusal(path);
        Assert.Contains($"Config file '{path}' is not valid JSON at line {line}, column {column}", message);
        Assert.Contains(detail, message, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Found by fuzzing (tests/fuzz/regressions/model-config): a string or key whose bytes are not UTF-8, or that escapes
    /// half a surrogate pair, made JsonDocument throw an InvalidOperationException naming neither the file nor the place.
    /// </summary>
    [Theory]
    [InlineData(new byte[] { 0x7B, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3A, 0x7B, 0x22, 0x70, 0x72, 0x6F, 0x6D, 0x70, 0x74, 0x73, 0x22, 0x3A, 0x7B, 0x22, 0x71, 0x22, 0x3A, 0x22, 0xFC, 0x22, 0x7D, 0x7D, 0x7D }, 1, 25, "Cannot transcode invalid UTF-8 JSON text to UTF-16 string.")] // {"text":{"prompts":{"q":"\xFC"}}}
    [InlineData(new byte[] { 0x7B, 0x0A, 0x22, 0x64, 0x65, 0x76, 0x69, 0x63, 0x65, 0x22, 0x3A, 0x22, 0x63, 0x70, 0x75, 0xC3, 0x22, 0x7D }, 2, 10, "Cannot transcode invalid UTF-8 JSON text to UTF-16 string.")] // {\n"device":"cpu\xC3"} (a cut-off character)
    [InlineData(new byte[] { 0x7B, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3A, 0x7B, 0x22, 0x5C, 0x75, 0x64, 0x38, 0x30, 0x30, 0x22, 0x3A, 0x31, 0x7D, 0x7D }, 1, 10, "Cannot read incomplete UTF-16 JSON text as string with missing low surrogate.")] // {"text":{"\ud800":1}}
    public void A_string_that_is_not_text_is_refused_naming_where(byte[] bytes, int line, int column, string problem)
    {
        string path = Path.Combine(_folder, "config.json");
        File.WriteAllBytes(path, bytes);
        Assert.Equal($"Config file '{path}' has a string that is not valid text at line {line}, column {column}: {problem}", Refusal(path));
    }

    [Fact]
    public void A_missing_file_is_refused_naming_it()
    {
        string path = Path.Combine(_folder, "absent.json");
        Assert.Contains($"Config file '{path}' cannot be read", Refusal(path));
    }

    [Fact]
    public void A_file_that_cannot_be_read_is_refused_naming_it()
    {
        // A folder where the file should be: unreadable as a file for every user, root included.
        string path = Directory.CreateDirectory(Path.Combine(_folder, "config.json")).FullName;
        Assert.Contains($"Config file '{path}' cannot be read", Refusal(path));
    }

    [Fact]
    public void A_flag_given_on_the_command_line_beats_the_file_and_the_file_beats_the_default()
    {
        ModelConfig file = ModelConfigFile.Read(Write("""{"max_batch":8,"workers":2,"intra_op_threads":3,"max_delay_us":100}"""));
        var options = new ServerOptions { MaxBatch = 4, Workers = 5, GivenOnCommandLine = new HashSet<string> { "max_batch" } };

        ModelSettings settings = options.SettingsFor(file);

        Assert.Equal(4, settings.MaxBatch); // flag given: it wins
        Assert.Equal(2, settings.Workers); // flag not given (its value is only the default): the file wins
        Assert.Equal(3, settings.IntraOpThreads);
        Assert.Equal(100, settings.MaxDelayMicros);
        Assert.Equal(1024, settings.MaxQueue); // neither: the default
        Assert.Equal(file.Path, settings.ConfigPath);
    }

    [Fact]
    public void The_config_route_document_reads_back_as_the_same_settings()
    {
        var settings = new ModelSettings
        {
            Device = "auto", IntraOpThreads = 2, InterOpThreads = 1, Workers = 3, MaxBatch = 7, MaxDelayMicros = 250, MaxQueue = 12,
            PadSequences = true, MaxBatchTokens = 999, OptimizationLevel = GraphOptimization.Extended, CpuArena = "auto", Warmup = false,
            InlineLoneRequests = false, VersionPolicy = VersionPolicy.Latest(2),
        };
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            ModelSettingsJson.Write(json, settings, text: null);
        }

        string path = Write(Encoding.UTF8.GetString(buffer.WrittenSpan), "route.json");
        Assert.Equal(settings with { ConfigPath = path }, new ServerOptions().SettingsFor(ModelConfigFile.Read(path)));
    }
}
