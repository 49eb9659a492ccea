using System.Text.Json;
using System.Text.Json.Nodes;
using Aot.Server.Models;
using Aot.Server.Tests.Infrastructure;
using Json.Schema;

namespace Aot.Server.Tests.Unit;

/// <summary>docs/config.schema.json and the reader agree: the same keys, and the same verdict on sample files good and bad.</summary>
public sealed class ConfigSchemaTests
{
    private static readonly string SchemaPath = Path.Combine(RepoPaths.Root, "docs", "config.schema.json");

    private static JsonObject SchemaDocument => JsonNode.Parse(File.ReadAllText(SchemaPath))!.AsObject();

    // Built once: the library registers a schema by its $id and refuses a second registration.
    private static readonly JsonSchema Schema = JsonSchema.FromFile(SchemaPath);

    private static string[] Keys(JsonNode? properties) => [.. properties!.AsObject().Select(static p => p.Key).Order(StringComparer.Ordinal)];

    [Fact]
    public void The_schema_has_every_key_the_reader_knows_and_no_other()
    {
        JsonObject properties = SchemaDocument["properties"]!.AsObject();
        Assert.Equal(ModelConfigFile.Keys.Order(StringComparer.Ordinal), Keys(properties));
        Assert.Equal(ModelConfigFile.TextKeys.Order(StringComparer.Ordinal), Keys(properties["text"]!["properties"]));
        string[] policies = [.. properties["version_policy"]!["oneOf"]!.AsArray().SelectMany(static shape => Keys(shape!["properties"])).Order(StringComparer.Ordinal)];
        Assert.Equal(ModelConfigFile.VersionPolicyKeys.Order(StringComparer.Ordinal), policies);
        Assert.False(SchemaDocument["additionalProperties"]!.GetValue<bool>());
        Assert.False(properties["text"]!["additionalProperties"]!.GetValue<bool>());
    }

    public static TheoryData<string> Examples() => [.. Directory.GetFiles(Path.Combine(RepoPaths.Root, "docs", "config-examples"), "*.json").Select(static f => Path.GetFileName(f))];

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_file_is_valid_for_the_schema_and_the_reader(string name)
    {
        string path = Path.Combine(RepoPaths.Root, "docs", "config-examples", name);
        EvaluationResults results = Schema.Evaluate(JsonDocument.Parse(File.ReadAllText(path)).RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        Assert.True(results.IsValid, $"{name}: {JsonSerializer.Serialize(results)}");
        _ = ModelConfigFile.Read(path);
    }

    [Theory]
    [InlineData("""{"max_batch":0}""")]
    [InlineData("""{"intra_op_threads":-1}""")]
    [InlineData("""{"workers":"2"}""")]
    [InlineData("""{"device":"tpu"}""")]
    [InlineData("""{"cpu_arena":"maybe"}""")]
    [InlineData("""{"optimization_level":"max"}""")]
    [InlineData("""{"unknown":1}""")]
    [InlineData("""{"text":{"pooling":"max"}}""")]
    [InlineData("""{"text":{"extra":true}}""")]
    [InlineData("""{"version_policy":{"all":{},"latest":{"num_versions":1}}}""")]
    [InlineData("""{"version_policy":{"latest":{}}}""")]
    [InlineData("""{"version_policy":{"specific":{"versions":[]}}}""")]
    [InlineData("""{"version_policy":{"specific":{"versions":[0]}}}""")]
    public void A_bad_file_is_refused_by_the_schema_and_by_the_reader(string json)
    {
        EvaluationResults results = Schema.Evaluate(JsonDocument.Parse(json).RootElement);
        Assert.False(results.IsValid);
        Assert.Throws<StartupException>(() => ModelConfigFile.Parse(System.Text.Encoding.UTF8.GetBytes(json), "inline.json"));
    }
}
