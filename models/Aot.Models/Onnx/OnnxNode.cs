namespace Aot.Models.Onnx;

/// <summary>An ONNX <c>NodeProto</c>: one operator call. An empty input name stands for an omitted optional input.</summary>
public sealed record OnnxNode(string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs)
{
    /// <summary>The node's name (optional in ONNX, but it makes profiles and errors readable).</summary>
    public string? Name { get; init; }

    /// <summary>The operator domain; empty for <c>ai.onnx</c>.</summary>
    public string? Domain { get; init; }

    /// <summary>The node's attributes.</summary>
    public IReadOnlyList<OnnxAttribute> Attributes { get; init; } = [];

    /// <summary>Human-readable documentation (<c>doc_string</c>).</summary>
    public string? DocString { get; init; }
}
