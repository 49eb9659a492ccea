using Aot.Protocol;
using Onnx;

namespace Aot.Quantization;

/// <summary>
/// Dynamic int8: every MatMul / Gemm with a constant 2-D float weight becomes
/// <c>DynamicQuantizeLinear(A) → MatMulInteger(A_u8, W_s8) → Cast → Mul(A_scale · W_scale)</c>, the layout ONNX
/// Runtime's CPU provider fuses into <c>DynamicQuantizeMatMul</c> (u8 × s8, VNNI). Only standard ONNX operators
/// are written, so any ONNX Runtime (and the ONNX checker) accepts the file. Embedding tables (Gather on a float
/// constant) become int8 rows with one scale per row, dequantized after the gather, so only looked-up rows cost.
/// </summary>
internal sealed class DynamicQuantizer
{
    private readonly GraphEditor _graph;
    private readonly QuantizeOptions _options;
    private readonly QuantizationSummary _summary;

    /// <summary>One DynamicQuantizeLinear per activation: Q, K and V projections read the same tensor.</summary>
    private readonly Dictionary<string, (string Q, string Scale, string ZeroPoint)> _quantizedActivations = new(StringComparer.Ordinal);

    /// <summary>Weights shared by several nodes are quantized once.</summary>
    private readonly Dictionary<string, (string Q, string Scale, string ZeroPoint)> _quantizedWeights = new(StringComparer.Ordinal);

    public DynamicQuantizer(GraphEditor graph, QuantizeOptions options, QuantizationSummary summary)
    {
        _graph = graph;
        _options = options;
        _summary = summary;
    }

    public void Run()
    {
        if (_graph.DefaultOpset < 11)
        {
            throw new QuantizationException($"Dynamic quantization needs ONNX opset 11 or later (DynamicQuantizeLinear); the model imports opset {_graph.DefaultOpset}.");
        }

        foreach (NodeProto node in _graph.Graph.Node.ToList())
        {
            bool done = node.OpType switch
            {
                "MatMul" => TryMatMul(node),
                "Gemm" => TryGemm(node),
                "Gather" => TryGather(node),
                _ => false,
            };
            if (!done)
            {
                _graph.Keep(node);
            }
        }

        _graph.Commit();
    }

    private bool TryMatMul(NodeProto node)
    {
        if (node.Input.Count != 2 || _graph.FloatConstant(node.Input[1], 2) is not { } weight || _graph.FindInitializer(node.Input[0]) is not null
            || _summary.IsExcluded(node))
        {
            return false;
        }

        (string wq, string ws, string wzp) = QuantizeWeight(weight, transpose: false, alpha: 1f);
        EmitQuantizedMatMul(node, node.Input[0], wq, ws, wzp, node.Output[0]);
        _summary.Count("MatMul");
        return true;
    }

    private bool TryGemm(NodeProto node)
    {
        if (GraphEditor.GetInt(node, "transA", 0) != 0 || _graph.FloatConstant(node.Input[1], 2) is not { } weight || _summary.IsExcluded(node))
        {
            return false;
        }

        float alpha = GraphEditor.GetFloat(node, "alpha", 1f);
        float beta = GraphEditor.GetFloat(node, "beta", 1f);
        string? bias = node.Input.Count > 2 && node.Input[2].Length > 0 ? node.Input[2] : null;
        TensorProto? biasTensor = bias is null ? null : _graph.FindInitializer(bias);
        if (bias is not null && beta != 1f && (biasTensor is null || !TensorData.IsFloat(biasTensor)))
        {
            return false; // beta · C for a computed C would need another Mul; rare enough to leave in fp32
        }

        (string wq, string ws, string wzp) = QuantizeWeight(weight, transpose: GraphEditor.GetInt(node, "transB", 0) != 0, alpha);
        string product = bias is null ? node.Output[0] : _graph.FreshName(node.Output[0] + "_nobias");
        EmitQuantizedMatMul(node, node.Input[0], wq, ws, wzp, product);
        if (bias is not null)
        {
            if (beta != 1f)
            {
                float[] scaled = TensorData.ReadFloats(biasTensor!).Select(v => v * beta).ToArray();
                bias = _graph.FreshName(bias + "_beta");
                _graph.AddInitializer(TensorData.Float(bias, scaled, [.. biasTensor!.Dims]));
            }

            _graph.Emit("Add", node.Name + "_bias", [product, bias], [node.Output[0]]);
        }

        _summary.Count("Gemm");
        return true;
    }

    private bool TryGather(NodeProto node)
    {
        if (GraphEditor.GetInt(node, "axis", 0) != 0 || _graph.FloatConstant(node.Input[0], 2) is not { } table
            || TensorData.ElementCount(table) < _options.MinGatherElements || _summary.IsExcluded(node))
        {
            return false;
        }

        int rows = checked((int)table.Dims[0]);
        int cols = checked((int)table.Dims[1]);
        (sbyte[] values, float[] scales) = WeightQuantizer.Quantize2D(TensorData.ReadFloats(table), rows, cols, perColumn: false);
        string tq = _graph.FreshName(table.Name + "_quantized");
        string ts = _graph.FreshName(table.Name + "_row_scale");
        _graph.AddInitializer(TensorData.Int8(tq, values, rows, cols));
        _graph.AddInitializer(TensorData.Float(ts, scales, rows, 1)); // [rows, 1]: the gathered scales broadcast over the row

        string ids = node.Input[1];
        string rowsQ = _graph.FreshName(node.Output[0] + "_quantized");
        string rowsF = _graph.FreshName(node.Output[0] + "_cast");
        string rowScales = _graph.FreshName(node.Output[0] + "_scale");
        _graph.Emit("Gather", node.Name + "_quant", [tq, ids], [rowsQ]);
        _graph.Emit("Gather", node.Name + "_scale", [ts, ids], [rowScales]);
        _graph.Emit("Cast", node.Name + "_cast", [rowsQ], [rowsF]).Attribute.Add(GraphEditor.IntAttribute("to", (int)Aot.Protocol.ElementType.Float));
        _graph.Emit("Mul", node.Name + "_dequant", [rowsF, rowScales], [node.Output[0]]);
        _summary.Count("Gather");
        return true;
    }

    /// <summary>Int8 [K, N] weights with per-column (or one) scale and zero point; cached per weight and layout.</summary>
    private (string Q, string Scale, string ZeroPoint) QuantizeWeight(TensorProto weight, bool transpose, float alpha)
    {
        string key = $"{weight.Name}|{transpose}|{alpha}";
        if (_quantizedWeights.TryGetValue(key, out var cached))
        {
            return cached;
        }

        int rows = checked((int)weight.Dims[0]);
        int cols = checked((int)weight.Dims[1]);
        float[] values = TensorData.ReadFloats(weight);
        if (transpose)
        {
            values = Transpose(values, rows, cols);
            (rows, cols) = (cols, rows);
        }

        (sbyte[] q, float[] scales) = WeightQuantizer.Quantize2D(values, rows, cols, perColumn: true);
        if (!_options.PerChannel)
        {
            (q, scales) = PerTensor(values, scales.Max() * 127f);
        }

        float[] folded = scales.Select(s => s * alpha).ToArray();
        string qn = _graph.FreshName(weight.Name + "_quantized");
        string sn = _graph.FreshName(weight.Name + "_scale");
        string zn = _graph.FreshName(weight.Name + "_zero_point");
        long[] dims = folded.Length == 1 ? [] : [folded.Length];
        _graph.AddInitializer(TensorData.Int8(qn, q, rows, cols));
        _graph.AddInitializer(TensorData.Float(sn, folded, dims));
        _graph.AddInitializer(TensorData.Int8(zn, new sbyte[folded.Length], dims));
        var result = (qn, sn, zn);
        _quantizedWeights[key] = result;
        return result;
    }

    private void EmitQuantizedMatMul(NodeProto node, string activation, string wq, string ws, string wzp, string output)
    {
        if (!_quantizedActivations.TryGetValue(activation, out var a))
        {
            a = (_graph.FreshName(activation + "_quantized"), _graph.FreshName(activation + "_scale"), _graph.FreshName(activation + "_zero_point"));
            _graph.Emit("DynamicQuantizeLinear", activation + "_QuantizeLinear", [activation], [a.Q, a.Scale, a.ZeroPoint]);
            _quantizedActivations[activation] = a;
        }

        string integer = _graph.FreshName(output + "_int32");
        string asFloat = _graph.FreshName(output + "_cast");
        string scale = _graph.FreshName(output + "_scale");
        string stem = node.Name.Length > 0 ? node.Name : output;
        _graph.Emit("MatMulInteger", stem + "_quant", [a.Q, wq, a.ZeroPoint, wzp], [integer]);
        _graph.Emit("Cast", stem + "_cast", [integer], [asFloat]).Attribute.Add(GraphEditor.IntAttribute("to", (int)Aot.Protocol.ElementType.Float));
        _graph.Emit("Mul", stem + "_scales", [a.Scale, ws], [scale]);
        _graph.Emit("Mul", stem + "_dequant", [asFloat, scale], [output]);
    }

    private static (sbyte[] Values, float[] Scales) PerTensor(float[] values, float max)
    {
        float scale = max > 0 ? max / 127f : 1f;
        sbyte[] q = values.Select(v => (sbyte)Math.Clamp(MathF.Round(v / scale, MidpointRounding.ToEven), -127, 127)).ToArray();
        return (q, [scale]);
    }

    private static float[] Transpose(float[] values, int rows, int cols)
    {
        var result = new float[values.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                result[(c * rows) + r] = values[(r * cols) + c];
            }
        }

        return result;
    }
}
