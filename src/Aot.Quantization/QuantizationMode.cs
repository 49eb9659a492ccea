namespace Aot.Quantization;

/// <summary>How activations are quantized.</summary>
public enum QuantizationMode
{
    /// <summary>Weights int8 offline, activations uint8 at run time (DynamicQuantizeLinear): transformers, no calibration.</summary>
    Dynamic,

    /// <summary>QDQ: weights int8 per channel, activations uint8 with ranges from calibration: CNNs.</summary>
    Static,
}

/// <summary>How a calibrated tensor's range is chosen from the values seen.</summary>
public enum CalibrationMethod
{
    /// <summary>The smallest and largest value seen: exact on the calibration set, sensitive to outliers.</summary>
    MinMax,

    /// <summary>The range that holds <see cref="QuantizeOptions.Percentile"/> percent of the values seen (outliers clipped).</summary>
    Percentile,
}
