using System.Diagnostics;
using Aot.Runtime;

namespace Aot.Quantization;

/// <summary>Runs an fp32 model and its quantized copy on the same inputs and measures the difference and the speed.</summary>
public static class ModelComparer
{
    /// <summary>Compares <paramref name="originalPath"/> with <paramref name="quantizedPath"/> over <paramref name="samples"/>.</summary>
    /// <param name="originalPath">The fp32 model.</param>
    /// <param name="quantizedPath">The quantized model.</param>
    /// <param name="samples">Evaluation inputs (not the calibration ones, for an honest figure).</param>
    /// <param name="timedRuns">Runs per model for the p50; 0 skips timing.</param>
    /// <param name="threads">ONNX Runtime intra-op threads (0: one per physical core, as the server does).</param>
    public static QualityReport Compare(string originalPath, string quantizedPath, SampleSet samples, int timedRuns = 50, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var options = new ModelOptions { IntraOpThreads = threads };
        using OnnxModel original = Load(originalPath, options);
        using OnnxModel quantized = Load(quantizedPath, options);
        using ModelRunner a = original.CreateRunner();
        using ModelRunner b = quantized.CreateRunner();
        IReadOnlyList<TensorInfo> outputs = original.Metadata.Outputs;
        var stats = outputs.Select(static o => new OutputStats(o)).ToArray();
        foreach (var sample in samples.Samples)
        {
            SampleRunner.SetInputs(a, sample);
            SampleRunner.SetInputs(b, sample);
            a.Run();
            b.Run();
            for (int i = 0; i < outputs.Count; i++)
            {
                int j = quantized.Metadata.GetOutputIndex(outputs[i].Name);
                ReadOnlySpan<long> shape = a.GetOutputShape(i);
                int row = shape.Length == 0 ? 1 : (int)Math.Max(1, shape[^1]);
                stats[i].Add(SampleRunner.FloatOutput(a, i), SampleRunner.FloatOutput(b, j), row);
            }
        }

        (double pa, double pb) = timedRuns > 0 ? Time(a, b, samples.Samples[0], timedRuns) : (0, 0);
        return new QualityReport
        {
            Original = originalPath,
            Quantized = quantizedPath,
            Inputs = samples.Origin,
            Samples = samples.Samples.Count,
            Outputs = [.. stats.Where(static s => s.Rows > 0).Select(static s => s.ToAccuracy())],
            OriginalBytes = ModelBytes(originalPath),
            QuantizedBytes = ModelBytes(quantizedPath),
            OriginalP50Ms = pa,
            QuantizedP50Ms = pb,
            TimedRuns = timedRuns,
        };
    }

    /// <summary>The model file plus the external data files beside it that it names (<c>NAME.data</c> by convention).</summary>
    public static long ModelBytes(string path)
    {
        long bytes = new FileInfo(path).Length;
        string data = path + ".data";
        return File.Exists(data) ? bytes + new FileInfo(data).Length : bytes;
    }

    internal static OnnxModel Load(string path, ModelOptions options)
    {
        try
        {
            return OnnxModel.Load(path, options);
        }
        catch (ModelLoadException ex)
        {
            throw new QuantizationException(ex.Message, ex);
        }
    }

    /// <summary>Interleaved runs, alternating which model goes first, so drift on a shared machine hits both alike.</summary>
    private static (double A, double B) Time(ModelRunner a, ModelRunner b, IReadOnlyDictionary<string, SampleTensor> sample, int runs)
    {
        SampleRunner.SetInputs(a, sample);
        SampleRunner.SetInputs(b, sample);
        for (int i = 0; i < 3; i++)
        {
            a.Run();
            b.Run();
        }

        var ta = new double[runs];
        var tb = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            if (i % 2 == 0)
            {
                ta[i] = Measure(a);
                tb[i] = Measure(b);
            }
            else
            {
                tb[i] = Measure(b);
                ta[i] = Measure(a);
            }
        }

        return (Median(ta), Median(tb));
    }

    private static double Measure(ModelRunner runner)
    {
        long start = Stopwatch.GetTimestamp();
        runner.Run();
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        return values.Length % 2 == 1 ? values[values.Length / 2] : (values[(values.Length / 2) - 1] + values[values.Length / 2]) / 2;
    }

    private sealed class OutputStats(TensorInfo info)
    {
        private double _maxAbs;
        private double _cosineSum;
        private double _minCosine = 1;
        private int _agree;

        public int Rows { get; private set; }

        public void Add(float[] expected, float[] actual, int row)
        {
            if (expected.Length == 0 || expected.Length != actual.Length)
            {
                return;
            }

            for (int start = 0; start + row <= expected.Length; start += row)
            {
                ReadOnlySpan<float> e = expected.AsSpan(start, row);
                ReadOnlySpan<float> q = actual.AsSpan(start, row);
                double dot = 0, ee = 0, qq = 0;
                int argE = 0, argQ = 0;
                for (int k = 0; k < row; k++)
                {
                    _maxAbs = Math.Max(_maxAbs, Math.Abs(e[k] - q[k]));
                    dot += (double)e[k] * q[k];
                    ee += (double)e[k] * e[k];
                    qq += (double)q[k] * q[k];
                    argE = e[k] > e[argE] ? k : argE;
                    argQ = q[k] > q[argQ] ? k : argQ;
                }

                // Two zero vectors are identical; one zero vector against a non-zero one is as far apart as it gets.
                double cosine = ee == 0 && qq == 0 ? 1 : ee == 0 || qq == 0 ? 0 : dot / Math.Sqrt(ee * qq);
                _cosineSum += cosine;
                _minCosine = Math.Min(_minCosine, cosine);
                _agree += argE == argQ ? 1 : 0;
                Rows++;
            }
        }

        public OutputAccuracy ToAccuracy() => new(info.Name, _maxAbs, _cosineSum / Rows, _minCosine,
            info.Rank == 2 && Rows > 0 ? (double)_agree / Rows : null);
    }
}
