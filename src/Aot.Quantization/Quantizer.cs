using Onnx;

namespace Aot.Quantization;

/// <summary>Entry point: <c>aot quantize IN -o OUT</c> as a library call.</summary>
public static class Quantizer
{
    /// <summary>Operators only a quantized graph holds; a model with any of them is not quantized again.</summary>
    private static readonly HashSet<string> QuantizedOps = new(StringComparer.Ordinal)
    {
        "DynamicQuantizeLinear", "MatMulInteger", "ConvInteger", "QuantizeLinear", "DequantizeLinear", "QLinearConv",
        "QLinearMatMul", "MatMulIntegerToFloat", "DynamicQuantizeMatMul", "QGemm", "QAttention", "DynamicQuantizeLSTM",
    };

    /// <summary>
    /// Quantizes <paramref name="inputPath"/> into <paramref name="outputPath"/> (written through a temporary file).
    /// </summary>
    /// <exception cref="QuantizationException">Bad input, nothing to quantize, an already quantized model, or an unwritable output.</exception>
    public static QuantizationSummary Quantize(string inputPath, string outputPath, QuantizeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        OnnxFile.EnsureWritable(outputPath);
        ModelProto model = OnnxFile.Load(inputPath, out bool hadExternalData);
        EnsureNotQuantized(model, inputPath);

        var summary = new QuantizationSummary(options.Mode, options.Exclude);
        var graph = new GraphEditor(model);
        if (options.Mode == QuantizationMode.Dynamic)
        {
            new DynamicQuantizer(graph, options, summary).Run();
        }
        else
        {
            StaticQuantizer.Run(graph, inputPath, options, summary);
        }

        if (summary.Total == 0)
        {
            string excluded = summary.Excluded.Count > 0 ? $" ({summary.Excluded.Count} excluded by --exclude)" : "";
            throw new QuantizationException(options.Mode == QuantizationMode.Dynamic
                ? $"'{inputPath}' has nothing to quantize: no MatMul, Gemm or Gather reads a constant 2-D float weight{excluded}. No file was written."
                : $"'{inputPath}' has nothing to quantize: no Conv, MatMul or Gemm reads a constant float weight{excluded}. No file was written.");
        }

        foreach ((string key, string value) in summary.Metadata())
        {
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }

        OnnxFile.Save(model, outputPath, hadExternalData);
        return summary;
    }

    /// <summary>Whether the model has a Conv: <c>--mode auto</c> picks static QDQ for CNNs, dynamic otherwise.</summary>
    public static bool HasConv(string path) => OnnxFile.Load(path, out _).Graph.Node.Any(static n => n.OpType == "Conv");

    private static void EnsureNotQuantized(ModelProto model, string path)
    {
        if (model.MetadataProps.Any(static p => p.Key.StartsWith("aot.quantization", StringComparison.Ordinal))
            || model.Graph.Node.FirstOrDefault(n => QuantizedOps.Contains(n.OpType)) is { } _)
        {
            string op = model.Graph.Node.FirstOrDefault(n => QuantizedOps.Contains(n.OpType))?.OpType ?? "aot.quantization metadata";
            throw new QuantizationException($"'{path}' is already quantized (it holds {op}); quantize the fp32 model instead. No file was written.");
        }
    }
}
