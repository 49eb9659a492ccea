using System.Globalization;
using Onnx;

namespace Aot.Quantization;

/// <summary>What a rewrite did: nodes quantized by operator type and nodes left in fp32 on request.</summary>
public sealed class QuantizationSummary
{
    private readonly HashSet<string> _exclude;
    private readonly SortedDictionary<string, int> _quantized = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _excluded = new(StringComparer.Ordinal);

    internal QuantizationSummary(QuantizationMode mode, IEnumerable<string> exclude)
    {
        Mode = mode;
        _exclude = new HashSet<string>(exclude, StringComparer.Ordinal);
    }

    /// <summary>The mode the model was quantized in.</summary>
    public QuantizationMode Mode { get; }

    /// <summary>Quantized nodes by operator type.</summary>
    public IReadOnlyDictionary<string, int> Quantized => _quantized;

    /// <summary>Quantizable nodes left in fp32 because <c>--exclude</c> named them or their operator type.</summary>
    public IReadOnlyCollection<string> Excluded => _excluded;

    /// <summary>Total quantized nodes.</summary>
    public int Total => _quantized.Values.Sum();

    /// <summary>Static mode: the calibration method and sample count, for the metadata.</summary>
    public string? Calibration { get; internal set; }

    internal bool IsExcluded(NodeProto node)
    {
        if (_exclude.Contains(node.OpType) || (node.Name.Length > 0 && _exclude.Contains(node.Name)))
        {
            _excluded.Add(node.Name.Length > 0 ? node.Name : node.OpType + ":" + node.Output.FirstOrDefault());
            return true;
        }

        return false;
    }

    internal void Count(string opType) => _quantized[opType] = _quantized.GetValueOrDefault(opType) + 1;

    /// <summary>"MatMul 36, Gemm 1, Gather 2".</summary>
    public string Describe() => string.Join(", ", _quantized.Select(static p => string.Create(CultureInfo.InvariantCulture, $"{p.Key} {p.Value}")));

    /// <summary>The metadata_props the quantized model records, so <c>aot inspect</c> shows what was done.</summary>
    internal IEnumerable<(string Key, string Value)> Metadata()
    {
        yield return ("aot.quantization.mode", Mode == QuantizationMode.Dynamic ? "dynamic (int8 weights, uint8 activations at run time)" : "static QDQ (int8 weights, uint8 activations)");
        yield return ("aot.quantization.nodes", Describe());
        yield return ("aot.quantization.excluded", _excluded.Count == 0 ? "none" : string.Join(", ", _excluded));
        if (Calibration is not null)
        {
            yield return ("aot.quantization.calibration", Calibration);
        }

        yield return ("aot.quantization.tool", "aot quantize " + typeof(QuantizationSummary).Assembly.GetName().Version?.ToString(3));
    }
}
