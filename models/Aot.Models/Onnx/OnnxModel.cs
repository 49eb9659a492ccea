namespace Aot.Models.Onnx;

/// <summary>An ONNX <c>ModelProto</c>: a graph plus the versions and metadata needed to run it.</summary>
public sealed record OnnxModel(OnnxGraph Graph)
{
    /// <summary>Producer name written by default.</summary>
    public const string DefaultProducerName = "aot-models";

    /// <summary>IR version; 8 goes with opset 17 (ONNX 1.12); 9 adds float8, 10 adds int4.</summary>
    public long IrVersion { get; init; } = 8;

    /// <summary>Operator sets used; ai.onnx 17 by default (LayerNormalization is available).</summary>
    public IReadOnlyList<OnnxOpset> Opsets { get; init; } = [OnnxOpset.Onnx(17)];

    /// <summary>The tool that wrote the model.</summary>
    public string? ProducerName { get; init; } = DefaultProducerName;

    /// <summary>The version of that tool.</summary>
    public string? ProducerVersion { get; init; }

    /// <summary>Reverse-DNS namespace of the model, e.g. <c>ai.aot.fixtures</c>.</summary>
    public string? Domain { get; init; }

    /// <summary>The model's own version.</summary>
    public long? ModelVersion { get; init; }

    /// <summary>Human-readable description (<c>doc_string</c>; ORT reports it as the description).</summary>
    public string? DocString { get; init; }

    /// <summary>Free-form key/value metadata (<c>metadata_props</c>), in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> MetadataProps { get; init; } = [];
}
