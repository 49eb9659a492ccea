using Onnx;

namespace Aot.Quantization;

/// <summary>
/// The state a rewrite shares: initializers by name, fresh unique names, and the node list being rebuilt in
/// order (the input graph is topologically sorted, so emitting replacements where the original node stood keeps
/// it sorted).
/// </summary>
internal sealed class GraphEditor
{
    private readonly GraphProto _graph;
    private readonly Dictionary<string, TensorProto> _initializers;
    private readonly HashSet<string> _names;
    private readonly List<NodeProto> _nodes = [];

    public GraphEditor(ModelProto model)
    {
        Model = model;
        _graph = model.Graph;
        _initializers = _graph.Initializer.ToDictionary(static t => t.Name, StringComparer.Ordinal);
        _names = new HashSet<string>(StringComparer.Ordinal);
        foreach (NodeProto node in _graph.Node)
        {
            _names.Add(node.Name);
            _names.UnionWith(node.Output);
            _names.UnionWith(node.Input);
        }

        _names.UnionWith(_initializers.Keys);
        _names.UnionWith(_graph.Input.Select(static i => i.Name));
        DefaultOpset = model.OpsetImport.Where(static o => o.Domain is "" or "ai.onnx").Select(static o => o.Version).DefaultIfEmpty(0).Max();
    }

    public ModelProto Model { get; }

    public GraphProto Graph => _graph;

    /// <summary>The version of the default ONNX domain the model imports.</summary>
    public long DefaultOpset { get; }

    public TensorProto? FindInitializer(string name) => _initializers.GetValueOrDefault(name);

    /// <summary>A float initializer of rank <paramref name="rank"/>, or null when the tensor is computed or of another type.</summary>
    public TensorProto? FloatConstant(string name, int rank) =>
        _initializers.TryGetValue(name, out TensorProto? t) && TensorData.IsFloat(t) && t.Dims.Count == rank ? t : null;

    public void AddInitializer(TensorProto tensor)
    {
        _graph.Initializer.Add(tensor);
        _initializers[tensor.Name] = tensor;
    }

    /// <summary>A name no tensor or node in the graph has yet, built from <paramref name="stem"/>.</summary>
    public string FreshName(string stem)
    {
        string name = stem;
        for (int i = 1; !_names.Add(name); i++)
        {
            name = $"{stem}_{i}";
        }

        return name;
    }

    public NodeProto Emit(string opType, string nameStem, IEnumerable<string> inputs, IEnumerable<string> outputs, string domain = "")
    {
        var node = new NodeProto { OpType = opType, Name = FreshName(nameStem), Domain = domain };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        _nodes.Add(node);
        return node;
    }

    public void Keep(NodeProto node) => _nodes.Add(node);

    /// <summary>Replaces the graph's nodes by the ones emitted and drops initializers no node or output uses anymore.</summary>
    public void Commit()
    {
        _graph.Node.Clear();
        _graph.Node.AddRange(_nodes);
        var used = new HashSet<string>(_nodes.SelectMany(static n => n.Input), StringComparer.Ordinal);
        used.UnionWith(_graph.Output.Select(static o => o.Name));
        var keep = _graph.Initializer.Where(t => used.Contains(t.Name)).ToList();
        _graph.Initializer.Clear();
        _graph.Initializer.AddRange(keep);

        // Graph inputs that were only there as initializer defaults (IR < 4) go with their initializer.
        var inputs = _graph.Input.Where(i => !_initializers.ContainsKey(i.Name) || used.Contains(i.Name)).ToList();
        _graph.Input.Clear();
        _graph.Input.AddRange(inputs);
    }

    public static AttributeProto IntAttribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static long GetInt(NodeProto node, string name, long fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.I : fallback;

    public static float GetFloat(NodeProto node, string name, float fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? a.F : fallback;
}
