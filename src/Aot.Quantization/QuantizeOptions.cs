namespace Aot.Quantization;

/// <summary>What <see cref="Quantizer"/> does; the CLI's <c>aot quantize</c> options map onto these one to one.</summary>
public sealed record class QuantizeOptions
{
    /// <summary>Dynamic (transformers) or static QDQ (CNNs).</summary>
    public QuantizationMode Mode { get; init; } = QuantizationMode.Dynamic;

    /// <summary>Node names or operator types (e.g. <c>Gather</c>, <c>/pooler/Gemm</c>) left in fp32.</summary>
    public IReadOnlyCollection<string> Exclude { get; init; } = [];

    /// <summary>One weight scale per output channel where the operator allows it (more accurate, same speed).</summary>
    public bool PerChannel { get; init; } = true;

    /// <summary>Static mode: folder of <c>&lt;input&gt;.&lt;n&gt;.npy</c> calibration samples; null generates random ones (smoke runs only).</summary>
    public string? CalibrationFolder { get; init; }

    /// <summary>Static mode: how ranges are chosen.</summary>
    public CalibrationMethod Calibration { get; init; } = CalibrationMethod.MinMax;

    /// <summary>Percent of values the <see cref="CalibrationMethod.Percentile"/> range keeps.</summary>
    public double Percentile { get; init; } = 99.999;

    /// <summary>Samples generated when no calibration folder is given.</summary>
    public int GeneratedSamples { get; init; } = 8;

    /// <summary>Embedding tables (Gather on a float constant) smaller than this many elements stay fp32.</summary>
    public int MinGatherElements { get; init; } = 16384;

    /// <summary>Progress lines (calibration); null for none.</summary>
    public Action<string>? Log { get; init; }
}
