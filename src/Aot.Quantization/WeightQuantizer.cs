namespace Aot.Quantization;

/// <summary>
/// Symmetric int8 quantization of weights: zero point 0, scale = max|w| / 127 per tensor or per channel.
/// Symmetric int8 is what ONNX Runtime's u8 × s8 kernels (VNNI on x86) expect, and zero points of 0 let them skip
/// the zero-point correction terms for the weight side.
/// </summary>
internal static class WeightQuantizer
{
    /// <summary>
    /// Quantizes a row-major [rows, cols] matrix with one scale per column (<paramref name="perColumn"/>) or per row.
    /// </summary>
    public static (sbyte[] Values, float[] Scales) Quantize2D(float[] weights, int rows, int cols, bool perColumn)
    {
        int channels = perColumn ? cols : rows;
        var max = new float[channels];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                int ch = perColumn ? c : r;
                max[ch] = MathF.Max(max[ch], MathF.Abs(weights[(r * cols) + c]));
            }
        }

        float[] scales = max.Select(ScaleFor).ToArray();
        var values = new sbyte[weights.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < cols; c++)
            {
                int i = (r * cols) + c;
                values[i] = Round(weights[i] / scales[perColumn ? c : r]);
            }
        }

        return (values, scales);
    }

    /// <summary>One scale per slice along axis 0 (Conv output channels: [M, C/g, kH, kW]).</summary>
    public static (sbyte[] Values, float[] Scales) QuantizeAxis0(float[] weights, int channels)
    {
        int per = weights.Length / channels;
        var scales = new float[channels];
        var values = new sbyte[weights.Length];
        for (int ch = 0; ch < channels; ch++)
        {
            ReadOnlySpan<float> slice = weights.AsSpan(ch * per, per);
            float max = 0;
            foreach (float w in slice)
            {
                max = MathF.Max(max, MathF.Abs(w));
            }

            scales[ch] = ScaleFor(max);
            for (int i = 0; i < per; i++)
            {
                values[(ch * per) + i] = Round(slice[i] / scales[ch]);
            }
        }

        return (values, scales);
    }

    // An all-zero channel still needs a positive scale: QuantizeLinear/DequantizeLinear divide by it.
    private static float ScaleFor(float max) => max > 0 ? max / 127f : 1f;

    private static sbyte Round(float value) => (sbyte)Math.Clamp(MathF.Round(value, MidpointRounding.ToEven), -127, 127);
}
