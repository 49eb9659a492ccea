namespace Aot.Models.Onnx;

/// <summary>
/// An ONNX <c>AttributeProto</c>: a named constant parameter of a node. Exactly one value property is set,
/// the one <see cref="Type"/> names; create attributes with the factory methods.
/// </summary>
public sealed record OnnxAttribute
{
    private OnnxAttribute(string name, OnnxAttributeType type)
    {
        Name = name;
        Type = type;
    }

    /// <summary>The attribute name, e.g. <c>kernel_shape</c>.</summary>
    public string Name { get; }

    /// <summary>Which value is set.</summary>
    public OnnxAttributeType Type { get; }

    /// <summary>The value of a <see cref="OnnxAttributeType.Float"/> attribute.</summary>
    public float FloatValue { get; private init; }

    /// <summary>The value of an <see cref="OnnxAttributeType.Int"/> attribute.</summary>
    public long IntValue { get; private init; }

    /// <summary>The value of a <see cref="OnnxAttributeType.String"/> attribute.</summary>
    public string? StringValue { get; private init; }

    /// <summary>The value of a <see cref="OnnxAttributeType.Tensor"/> attribute.</summary>
    public OnnxTensor? TensorValue { get; private init; }

    /// <summary>The value of a <see cref="OnnxAttributeType.Graph"/> attribute (a subgraph).</summary>
    public OnnxGraph? GraphValue { get; private init; }

    /// <summary>The values of a <see cref="OnnxAttributeType.Floats"/> attribute.</summary>
    public IReadOnlyList<float> FloatValues { get; private init; } = [];

    /// <summary>The values of an <see cref="OnnxAttributeType.Ints"/> attribute.</summary>
    public IReadOnlyList<long> IntValues { get; private init; } = [];

    /// <summary>The values of a <see cref="OnnxAttributeType.Strings"/> attribute.</summary>
    public IReadOnlyList<string> StringValues { get; private init; } = [];

    /// <summary>A float attribute.</summary>
    public static OnnxAttribute Float(string name, float value) => new(name, OnnxAttributeType.Float) { FloatValue = value };

    /// <summary>An int attribute.</summary>
    public static OnnxAttribute Int(string name, long value) => new(name, OnnxAttributeType.Int) { IntValue = value };

    /// <summary>A string attribute.</summary>
    public static OnnxAttribute String(string name, string value) => new(name, OnnxAttributeType.String) { StringValue = value };

    /// <summary>A tensor attribute.</summary>
    public static OnnxAttribute Tensor(string name, OnnxTensor value) => new(name, OnnxAttributeType.Tensor) { TensorValue = value };

    /// <summary>A graph attribute.</summary>
    public static OnnxAttribute Graph(string name, OnnxGraph value) => new(name, OnnxAttributeType.Graph) { GraphValue = value };

    /// <summary>A floats attribute.</summary>
    public static OnnxAttribute Floats(string name, params float[] values) => new(name, OnnxAttributeType.Floats) { FloatValues = values };

    /// <summary>An ints attribute.</summary>
    public static OnnxAttribute Ints(string name, params long[] values) => new(name, OnnxAttributeType.Ints) { IntValues = values };

    /// <summary>A strings attribute.</summary>
    public static OnnxAttribute Strings(string name, params string[] values) => new(name, OnnxAttributeType.Strings) { StringValues = values };
}
