using Aot.Models.Onnx;
using Aot.Protocol;

namespace Aot.Models.FixtureModels;

/// <summary>
/// Every documentation and metadata field ONNX has: producer name and version, domain, model version,
/// model and graph doc_strings, doc_strings on the input and output, and custom metadata_props.
/// <c>scores = Relu(features)</c>, float [batch, 8].
/// </summary>
internal static class DocumentedFixture
{
    public const string Name = "documented";
    public const string ProducerName = "aot-models-fixtures";
    public const string ProducerVersion = "1.2.3";
    public const string Domain = "ai.aot.fixtures";
    public const long ModelVersion = 7;
    public const string Description = "A fixture documented on every level: model, graph, inputs and outputs.";
    public const string GraphDescription = "Scores are the rectified features.";
    public const string InputDescription = "Features of each item, one row per item.";
    public const string OutputDescription = "Non-negative score of each feature.";

    public static IReadOnlyList<KeyValuePair<string, string>> Metadata { get; } =
    [
        new("author", "Aot contributors"),
        new("license", "MIT"),
        new("labels", "negative,neutral,positive"),
        new("threshold", "0.5"),
    ];

    public static OnnxModel Build() => new(new OnnxGraph("documented")
    {
        Nodes = [new OnnxNode("Relu", ["features"], ["scores"]) { Name = "relu", DocString = "Clamps negative features to zero." }],
        Inputs = [OnnxValueInfo.Tensor("features", ElementType.Float, "batch", 8) with { DocString = InputDescription }],
        Outputs = [OnnxValueInfo.Tensor("scores", ElementType.Float, "batch", 8) with { DocString = OutputDescription }],
        DocString = GraphDescription,
    })
    {
        ProducerName = ProducerName,
        ProducerVersion = ProducerVersion,
        Domain = Domain,
        ModelVersion = ModelVersion,
        DocString = Description,
        MetadataProps = Metadata,
    };
}
