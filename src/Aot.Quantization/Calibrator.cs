using Aot.Protocol;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace Aot.Quantization;

/// <summary>
/// Ranges of intermediate tensors: a temporary copy of the model lists them as extra graph outputs, ONNX Runtime runs
/// it over the calibration samples, and each tensor's range is reduced by <see cref="CalibrationMethod"/>.
/// </summary>
internal static class Calibrator
{
    private const int HistogramBins = 2048;

    public static Dictionary<string, (float Min, float Max)> Run(ModelProto original, IReadOnlyCollection<string> tensors, SampleSet samples,
        CalibrationMethod method, double percentile, Action<string>? log)
    {
        ModelProto copy = original.Clone();
        var outputs = new HashSet<string>(copy.Graph.Output.Select(static o => o.Name), StringComparer.Ordinal);
        foreach (string name in tensors.Where(outputs.Add))
        {
            // Element type only: ONNX Runtime infers the shape, and an output without a type is refused.
            copy.Graph.Output.Add(new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } } });
        }

        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC };
        using var session = new InferenceSession(copy.ToByteArray(), options);
        string[] names = [.. tensors];
        var ranges = names.ToDictionary(static n => n, static _ => (Min: float.MaxValue, Max: float.MinValue), StringComparer.Ordinal);
        log?.Invoke($"calibration: {names.Length} tensors over {samples.Samples.Count} samples ({samples.Origin}), {method}");
        ForEachOutput(session, samples, names, (name, values) =>
        {
            (float min, float max) = ranges[name];
            foreach (float v in values)
            {
                min = MathF.Min(min, v);
                max = MathF.Max(max, v);
            }

            ranges[name] = (min, max);
        });

        if (method == CalibrationMethod.Percentile)
        {
            // Second pass: a histogram over each tensor's full range, then the range that keeps `percentile` percent.
            var histograms = names.ToDictionary(static n => n, static _ => new long[HistogramBins], StringComparer.Ordinal);
            ForEachOutput(session, samples, names, (name, values) =>
            {
                (float min, float max) = ranges[name];
                long[] bins = histograms[name];
                float width = (max - min) / HistogramBins;
                foreach (float v in values)
                {
                    bins[width > 0 ? Math.Clamp((int)((v - min) / width), 0, HistogramBins - 1) : 0]++;
                }
            });
            foreach (string name in names)
            {
                ranges[name] = Clip(ranges[name], histograms[name], percentile);
            }
        }

        return ranges;
    }

    private static (float Min, float Max) Clip((float Min, float Max) range, long[] bins, double percentile)
    {
        long total = bins.Sum();
        long tail = (long)(total * (100 - percentile) / 100 / 2);
        float width = (range.Max - range.Min) / bins.Length;
        int low = 0, high = bins.Length - 1;
        for (long seen = bins[0]; seen <= tail && low < high; seen += bins[++low]) { }
        for (long seen = bins[^1]; seen <= tail && high > low; seen += bins[--high]) { }
        return (range.Min + (low * width), range.Min + ((high + 1) * width));
    }

    private static void ForEachOutput(InferenceSession session, SampleSet samples, string[] names, Action<string, ReadOnlySpan<float>> visit)
    {
        foreach (var sample in samples.Samples)
        {
            var inputs = new List<OrtValue>();
            try
            {
                foreach (string input in session.InputNames)
                {
                    SampleTensor tensor = sample[input];
                    OrtValue value = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, (TensorElementType)tensor.ElementType, tensor.Shape);
                    tensor.Data.CopyTo(value.GetTensorMutableRawData());
                    inputs.Add(value);
                }

                using var runOptions = new RunOptions();
                using IDisposableReadOnlyCollection<OrtValue> results = session.Run(runOptions, session.InputNames, inputs, names);
                for (int i = 0; i < names.Length; i++)
                {
                    visit(names[i], results[i].GetTensorDataAsSpan<float>());
                }
            }
            finally
            {
                inputs.ForEach(static v => v.Dispose());
            }
        }
    }
}
