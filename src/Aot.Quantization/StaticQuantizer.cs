using Aot.Protocol;
using Aot.Runtime;
using Onnx;

namespace Aot.Quantization;

/// <summary>
/// Static int8 in QDQ form: activations get QuantizeLinear → DequantizeLinear pairs (uint8, ranges from calibration),
/// weights are int8 per output channel behind a DequantizeLinear, biases int32 with scale = input scale × weight
/// scale. ONNX Runtime fuses DQ → Conv/Gemm/MatMul/Add/pool → Q into QLinearConv, QGemm, QLinearMatMul, QLinearAdd
/// and the quantized pools at session creation. A Relu right after a quantized node is dropped and the node's
/// output takes the Relu's range: a uint8 Q with zero point 0 clips negatives exactly as the Relu did.
/// </summary>
internal sealed class StaticQuantizer
{
    private static readonly HashSet<string> Pools = new(StringComparer.Ordinal) { "MaxPool", "AveragePool", "GlobalAveragePool" };

    /// <summary>Ops whose outputs are float activations in a float model (Add and pools quantize only such inputs).</summary>
    private static readonly HashSet<string> FloatProducers = new(StringComparer.Ordinal)
    {
        "Conv", "Relu", "Add", "MaxPool", "AveragePool", "GlobalAveragePool", "Gemm", "MatMul", "BatchNormalization", "Flatten", "Sigmoid", "Clip",
    };

    private readonly GraphEditor _graph;
    private readonly QuantizeOptions _options;
    private readonly QuantizationSummary _summary;
    private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);
    // By reference: protobuf messages compare by value, and fused nodes change their outputs.
    private readonly HashSet<NodeProto> _quantized = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, (float Scale, byte ZeroPoint)> _params = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _dequantized = new(StringComparer.Ordinal);

    private StaticQuantizer(GraphEditor graph, QuantizeOptions options, QuantizationSummary summary)
    {
        _graph = graph;
        _options = options;
        _summary = summary;
        foreach (NodeProto node in graph.Graph.Node)
        {
            foreach (string output in node.Output)
            {
                _producers[output] = node;
            }

            foreach (string input in node.Input)
            {
                if (!_consumers.TryGetValue(input, out var list))
                {
                    _consumers[input] = list = [];
                }

                list.Add(node);
            }
        }
    }

    public static void Run(GraphEditor graph, string inputPath, QuantizeOptions options, QuantizationSummary summary)
    {
        if (graph.DefaultOpset < 13)
        {
            throw new QuantizationException($"Static (QDQ) quantization needs ONNX opset 13 or later (per-channel DequantizeLinear); '{inputPath}' imports opset {graph.DefaultOpset}.");
        }

        new StaticQuantizer(graph, options, summary).Rewrite(inputPath);
    }

    private void Rewrite(string inputPath)
    {
        foreach (NodeProto node in _graph.Graph.Node)
        {
            if (node.Domain is "" or "ai.onnx" && IsQuantizable(node) && !_summary.IsExcluded(node))
            {
                _quantized.Add(node);
            }
        }

        if (_quantized.Count == 0)
        {
            return;
        }

        // Relu fusion is planned now but applied after calibration, which must see the original graph.
        var fusedRelus = new Dictionary<NodeProto, NodeProto>(ReferenceEqualityComparer.Instance);
        foreach (NodeProto node in _quantized.Where(static n => !Pools.Contains(n.OpType)))
        {
            if (_consumers.GetValueOrDefault(node.Output[0]) is [{ OpType: "Relu" } relu] && !IsGraphOutput(node.Output[0]) && !_summary.IsExcluded(relu))
            {
                fusedRelus[node] = relu;
            }
        }

        string OutputOf(NodeProto n) => fusedRelus.TryGetValue(n, out NodeProto? relu) ? relu.Output[0] : n.Output[0];
        var activations = new HashSet<string>(StringComparer.Ordinal);
        foreach (NodeProto node in _quantized)
        {
            foreach (string input in ActivationInputs(node))
            {
                // A MaxPool output takes its input's parameters (ONNX Runtime needs them equal to run MaxPool on uint8).
                string source = _producers.TryGetValue(input, out NodeProto? p) && p.OpType == "MaxPool" && _quantized.Contains(p) ? p.Input[0] : input;
                string resolved = _producers.TryGetValue(source, out NodeProto? q) && fusedRelus.ContainsKey(q) ? OutputOf(q) : source;
                activations.Add(resolved);
            }
        }

        SampleSet samples = CalibrationSamples(inputPath);
        var ranges = Calibrator.Run(_graph.Model, activations, samples, _options.Calibration, _options.Percentile, _options.Log);
        foreach ((string name, (float min, float max)) in ranges)
        {
            _params[name] = ActivationParams(min, max);
        }

        _summary.Calibration = $"{_options.Calibration}{(_options.Calibration == CalibrationMethod.Percentile ? $" {_options.Percentile}%" : "")} over {samples.Origin}";
        foreach (NodeProto node in _quantized.Where(static n => n.OpType == "MaxPool"))
        {
            if (_params.TryGetValue(node.Input[0], out var p))
            {
                _params[node.Output[0]] = p;
            }
        }

        foreach ((NodeProto node, NodeProto relu) in fusedRelus)
        {
            node.Output[0] = relu.Output[0];
        }

        foreach (NodeProto node in _graph.Graph.Node.ToList())
        {
            if (fusedRelus.Values.Any(r => ReferenceEquals(r, node)))
            {
                continue;
            }

            if (_quantized.Contains(node) && ActivationInputs(node).All(_params.ContainsKey))
            {
                EmitQuantized(node);
                _summary.Count(node.OpType);
            }
            else
            {
                _graph.Keep(node);
            }
        }

        _graph.Commit();
    }

    private bool IsQuantizable(NodeProto node) => node.OpType switch
    {
        "Conv" => node.Input.Count >= 2 && IsActivation(node.Input[0]) && _graph.FindInitializer(node.Input[1]) is { } w && TensorData.IsFloat(w) && w.Dims.Count >= 3,
        "Gemm" => GraphEditor.GetInt(node, "transA", 0) == 0 && GraphEditor.GetFloat(node, "alpha", 1) == 1 && GraphEditor.GetFloat(node, "beta", 1) == 1
            && IsActivation(node.Input[0]) && _graph.FloatConstant(node.Input[1], 2) is not null,
        "MatMul" => IsActivation(node.Input[0]) && _graph.FloatConstant(node.Input[1], 2) is not null,
        "Add" => node.Input.Count == 2 && IsActivation(node.Input[0]) && IsActivation(node.Input[1]),
        _ when Pools.Contains(node.OpType) => IsActivation(node.Input[0]),
        _ => false,
    };

    /// <summary>A float tensor computed at run time: a float graph input or the output of an op that makes floats.</summary>
    private bool IsActivation(string name) =>
        _graph.FindInitializer(name) is null
        && (_producers.TryGetValue(name, out NodeProto? p) ? FloatProducers.Contains(p.OpType)
            : _graph.Graph.Input.Any(i => i.Name == name && i.Type?.TensorType?.ElemType == (int)ElementType.Float));

    private IEnumerable<string> ActivationInputs(NodeProto node) => node.OpType == "Add" ? node.Input : [node.Input[0]];

    private bool IsGraphOutput(string name) => _graph.Graph.Output.Any(o => o.Name == name);

    private SampleSet CalibrationSamples(string inputPath)
    {
        using OnnxModel model = ModelComparer.Load(inputPath, new ModelOptions { Optimization = GraphOptimization.None, IntraOpThreads = 1 });
        return _options.CalibrationFolder is { } folder
            ? SampleSet.Load(folder, model.Metadata.Inputs)
            : SampleSet.Generate(model.Metadata.Inputs, _options.GeneratedSamples, seed: 1);
    }

    /// <summary>uint8 asymmetric over a range widened to hold 0 (zero must be exact: padding, Relu).</summary>
    internal static (float Scale, byte ZeroPoint) ActivationParams(float min, float max)
    {
        min = MathF.Min(min, 0);
        max = MathF.Max(max, 0);
        float scale = max > min ? (max - min) / 255f : 1f;
        return (scale, (byte)Math.Clamp(MathF.Round(-min / scale), 0, 255));
    }

    private void EmitQuantized(NodeProto node)
    {
        var inputs = node.Input.ToList();
        if (node.OpType == "Add")
        {
            inputs = [Dequantized(inputs[0]), Dequantized(inputs[1])];
        }
        else
        {
            inputs[0] = Dequantized(inputs[0]);
        }

        if (node.OpType is "Conv" or "Gemm" or "MatMul")
        {
            TensorProto weight = _graph.FindInitializer(node.Input[1])!;
            bool transposedGemm = node.OpType == "Gemm" && GraphEditor.GetInt(node, "transB", 0) != 0;
            // The output-channel axis of the weight: 0 for Conv [M, C, k…] and Gemm with transB ([N, K]), 1 for [K, N].
            int axis = node.OpType == "Conv" || transposedGemm ? 0 : 1;
            bool perChannel = _options.PerChannel && node.OpType != "MatMul";
            float[] values = TensorData.ReadFloats(weight);
            (sbyte[] q, float[] scales) = axis == 0
                ? WeightQuantizer.QuantizeAxis0(values, perChannel ? (int)weight.Dims[0] : 1)
                : perChannel ? WeightQuantizer.Quantize2D(values, (int)weight.Dims[0], (int)weight.Dims[1], perColumn: true) : WeightQuantizer.QuantizeAxis0(values, 1);
            inputs[1] = DequantizedWeight(weight, q, scales, axis);
            if (inputs.Count > 2 && inputs[2].Length > 0 && _graph.FindInitializer(inputs[2]) is { } bias && TensorData.IsFloat(bias) && bias.Dims.Count == 1)
            {
                inputs[2] = DequantizedBias(bias, _params[ActivationInputs(node).First()].Scale, scales);
            }
        }

        node.Input.Clear();
        node.Input.AddRange(inputs);
        _graph.Keep(node);
    }

    /// <summary>The name of <paramref name="tensor"/> after Q → DQ; the pair is emitted the first time it is needed.</summary>
    private string Dequantized(string tensor)
    {
        if (_dequantized.TryGetValue(tensor, out string? name))
        {
            return name;
        }

        (float scale, byte zeroPoint) = _params[tensor];
        string s = _graph.FreshName(tensor + "_scale");
        string z = _graph.FreshName(tensor + "_zero_point");
        string q = _graph.FreshName(tensor + "_quantized");
        name = _graph.FreshName(tensor + "_dequantized");
        _graph.AddInitializer(TensorData.Float(s, [scale]));
        _graph.AddInitializer(TensorData.UInt8(z, [zeroPoint]));
        _graph.Emit("QuantizeLinear", tensor + "_QuantizeLinear", [tensor, s, z], [q]);
        _graph.Emit("DequantizeLinear", tensor + "_DequantizeLinear", [q, s, z], [name]);
        _dequantized[tensor] = name;
        return name;
    }

    private string DequantizedWeight(TensorProto weight, sbyte[] values, float[] scales, int axis)
    {
        string q = _graph.FreshName(weight.Name + "_quantized");
        string s = _graph.FreshName(weight.Name + "_scale");
        string z = _graph.FreshName(weight.Name + "_zero_point");
        string output = _graph.FreshName(weight.Name + "_dequantized");
        long[] dims = scales.Length == 1 ? [] : [scales.Length];
        _graph.AddInitializer(TensorData.Int8(q, values, [.. weight.Dims]));
        _graph.AddInitializer(TensorData.Float(s, scales, dims));
        _graph.AddInitializer(TensorData.Int8(z, new sbyte[scales.Length], dims));
        NodeProto dq = _graph.Emit("DequantizeLinear", weight.Name + "_DequantizeLinear", [q, s, z], [output]);
        if (scales.Length > 1)
        {
            dq.Attribute.Add(GraphEditor.IntAttribute("axis", axis));
        }

        return output;
    }

    /// <summary>int32 bias with scale input scale × weight scale, the form QLinearConv / QGemm take directly.</summary>
    private string DequantizedBias(TensorProto bias, float inputScale, float[] weightScales)
    {
        float[] values = TensorData.ReadFloats(bias);
        float[] scales = values.Select((_, i) => inputScale * weightScales[weightScales.Length == 1 ? 0 : i]).ToArray();
        int[] q = values.Select((v, i) => (int)Math.Clamp(Math.Round(v / scales[i], MidpointRounding.ToEven), int.MinValue + 1, int.MaxValue)).ToArray();
        string qn = _graph.FreshName(bias.Name + "_quantized");
        string sn = _graph.FreshName(bias.Name + "_scale");
        string zn = _graph.FreshName(bias.Name + "_zero_point");
        string output = _graph.FreshName(bias.Name + "_dequantized");
        _graph.AddInitializer(TensorData.Int32(qn, q, values.Length));
        _graph.AddInitializer(TensorData.Float(sn, scales, values.Length));
        _graph.AddInitializer(TensorData.Int32(zn, new int[values.Length], values.Length));
        _graph.Emit("DequantizeLinear", bias.Name + "_DequantizeLinear", [qn, sn, zn], [output]).Attribute.Add(GraphEditor.IntAttribute("axis", 0));
        return output;
    }
}
