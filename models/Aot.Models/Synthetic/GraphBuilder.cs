using Aot.Models.Onnx;

namespace Aot.Models.Synthetic;

/// <summary>
/// Accumulates nodes, weights, inputs and outputs of one graph, naming things so that the model builders read
/// like the architecture they describe. Weights are drawn from one <see cref="SeededRandom"/> in creation
/// order, which is what makes a seed reproduce a model bit for bit.
/// </summary>
internal sealed class GraphBuilder(string graphName, SeededRandom random)
{
    private readonly List<OnnxNode> _nodes = [];
    private readonly List<OnnxTensor> _initializers = [];
    private readonly List<OnnxValueInfo> _inputs = [];
    private readonly List<OnnxValueInfo> _outputs = [];
    private readonly Dictionary<string, int> _opCounts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Adds a graph input and returns its name.</summary>
    public string Input(OnnxValueInfo input)
    {
        Claim(input.Name);
        _inputs.Add(input);
        return input.Name;
    }

    /// <summary>Declares a graph output; a node must produce a value of the same name.</summary>
    public void Output(OnnxValueInfo output) => _outputs.Add(output);

    /// <summary>Adds a constant tensor and returns its name.</summary>
    public string Initializer(OnnxTensor tensor)
    {
        Claim(tensor.Name);
        _initializers.Add(tensor);
        return tensor.Name;
    }

    /// <summary>A float weight drawn from U(±<paramref name="limit"/>).</summary>
    public string Uniform(string name, long[] dims, float limit) =>
        Initializer(OnnxTensor.CreateFloat(name, dims, values => random.FillUniform(values, limit)));

    /// <summary>A float tensor of one repeated value (LayerNorm scales and offsets).</summary>
    public string Filled(string name, long[] dims, float value) =>
        Initializer(OnnxTensor.CreateFloat(name, dims, values => values.Fill(value)));

    /// <summary>A float scalar constant.</summary>
    public string Scalar(string name, float value) => Initializer(OnnxTensor.FromFloats(name, [], [value]));

    /// <summary>An int64 scalar constant.</summary>
    public string Int64Scalar(string name, long value) => Initializer(OnnxTensor.FromInt64s(name, [], [value]));

    /// <summary>A 1-D int64 constant (shapes, axes).</summary>
    public string Int64s(string name, params long[] values) => Initializer(OnnxTensor.FromInt64s(name, [values.Length], values));

    /// <summary>
    /// Adds a single-output node and returns the output's name: <paramref name="output"/> when given (graph outputs),
    /// else the node's name, which is <paramref name="name"/> or <c>OpType_N</c>.
    /// </summary>
    public string Node(string opType, IReadOnlyList<string> inputs, IReadOnlyList<OnnxAttribute>? attributes = null,
        string? name = null, string? output = null)
    {
        var nodeName = name ?? NextName(opType);
        return Node(opType, inputs, [output ?? nodeName], attributes, nodeName)[0];
    }

    /// <summary>Adds a node whose outputs are named by the caller (an empty name skips an optional output).</summary>
    public IReadOnlyList<string> Node(string opType, IReadOnlyList<string> inputs, IReadOnlyList<string> outputs,
        IReadOnlyList<OnnxAttribute>? attributes = null, string? name = null)
    {
        foreach (var output in outputs.Where(output => output.Length > 0))
            Claim(output);
        _nodes.Add(new OnnxNode(opType, inputs, outputs) { Name = name ?? NextName(opType), Attributes = attributes ?? [] });
        return outputs;
    }

    /// <summary>The finished graph.</summary>
    public OnnxGraph Build() => new(graphName)
    {
        Nodes = [.. _nodes],
        Initializers = [.. _initializers],
        Inputs = [.. _inputs],
        Outputs = [.. _outputs],
    };

    private string NextName(string opType)
    {
        var count = _opCounts.GetValueOrDefault(opType);
        _opCounts[opType] = count + 1;
        return $"{opType}_{count}";
    }

    private void Claim(string valueName)
    {
        // ONNX requires every value to be produced once (SSA); catching a clash here beats an ORT load error.
        if (!_names.Add(valueName))
            throw new InvalidOperationException($"Graph '{graphName}' already has a value named '{valueName}'.");
    }
}
