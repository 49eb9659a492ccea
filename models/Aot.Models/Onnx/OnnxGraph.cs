namespace Aot.Models.Onnx;

/// <summary>An ONNX <c>GraphProto</c>: nodes in topological order, their weights, and the graph's inputs and outputs.</summary>
public sealed record OnnxGraph(string Name)
{
    /// <summary>Nodes, topologically sorted.</summary>
    public IReadOnlyList<OnnxNode> Nodes { get; init; } = [];

    /// <summary>Constant tensors (weights).</summary>
    public IReadOnlyList<OnnxTensor> Initializers { get; init; } = [];

    /// <summary>Graph inputs. Before IR 4 every initializer must be listed here too.</summary>
    public IReadOnlyList<OnnxValueInfo> Inputs { get; init; } = [];

    /// <summary>Graph outputs.</summary>
    public IReadOnlyList<OnnxValueInfo> Outputs { get; init; } = [];

    /// <summary>Types of intermediate values (optional hints).</summary>
    public IReadOnlyList<OnnxValueInfo> ValueInfo { get; init; } = [];

    /// <summary>Human-readable documentation (<c>doc_string</c>).</summary>
    public string? DocString { get; init; }
}
