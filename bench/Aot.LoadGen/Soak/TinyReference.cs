using System.Runtime.InteropServices;
using Aot.LoadGen.Workloads;
using Aot.Models.Onnx;
using Aot.Models.Synthetic;

namespace Aot.LoadGen.Soak;

/// <summary>
/// The soak's tiny-model requests and their expected answers. <c>tiny</c> is <c>y = Relu(x · W + b)</c> with weights
/// from a fixed seed (<see cref="TinyModel"/>), so every answer is computed here in plain C# from the same recipe the
/// served file was generated from, independently of ONNX Runtime. Requests are <see cref="Rows"/> fixed rows taken
/// one or four at a time.
/// </summary>
internal sealed class TinyReference
{
    /// <summary>Distinct input rows.</summary>
    public const int Rows = 64;

    /// <summary>Largest difference accepted per element: relative to the value, at least this much absolute.</summary>
    public const float Tolerance = 1e-4f;

    private readonly float[][] _inputs;
    private readonly float[][] _expected;

    public TinyReference()
    {
        OnnxGraph graph = TinyModel.Build().Graph;
        float[] weight = Floats(graph, "fc.weight");
        float[] bias = Floats(graph, "fc.bias");
        Features = bias.Length;
        var random = new Random(20261207);
        _inputs = [.. Enumerable.Range(0, Rows).Select(_ => Enumerable.Range(0, Features).Select(_ => (random.NextSingle() * 4) - 2).ToArray())];
        _expected = [.. _inputs.Select(x => Forward(x, weight, bias))];
    }

    /// <summary>Features per row (the model's <c>x</c> and <c>y</c> width).</summary>
    public int Features { get; }

    /// <summary>The request of <paramref name="count"/> rows starting at row <paramref name="first"/> (wrapping).</summary>
    public TensorData Input(int first, int count)
    {
        float[] values = new float[count * Features];
        for (int r = 0; r < count; r++)
        {
            _inputs[(first + r) % Rows].CopyTo(values, r * Features);
        }

        return TensorData.Float("x", [count, Features], values);
    }

    /// <summary>Null when <paramref name="actual"/> is the answer to rows <paramref name="first"/>…; otherwise what differs.</summary>
    public string? Mismatch(int first, int count, ReadOnlySpan<float> actual)
    {
        if (actual.Length != count * Features)
        {
            return $"{actual.Length} values for {count} rows of {Features}";
        }

        for (int r = 0; r < count; r++)
        {
            float[] expected = _expected[(first + r) % Rows];
            for (int i = 0; i < Features; i++)
            {
                float got = actual[(r * Features) + i];
                if (!(Math.Abs(got - expected[i]) <= Tolerance * Math.Max(1, Math.Abs(expected[i]))))
                {
                    return FormattableString.Invariant($"row {(first + r) % Rows} y[{i}] = {got}, expected {expected[i]}");
                }
            }
        }

        return null;
    }

    /// <summary><c>Relu(x · W + b)</c> with W stored [in, out] row-major, as MatMul reads it.</summary>
    internal static float[] Forward(float[] x, float[] weight, float[] bias)
    {
        int n = bias.Length;
        float[] y = new float[n];
        for (int j = 0; j < n; j++)
        {
            double sum = bias[j];
            for (int i = 0; i < x.Length; i++)
            {
                sum += (double)x[i] * weight[(i * n) + j];
            }

            y[j] = (float)Math.Max(0, sum);
        }

        return y;
    }

    private static float[] Floats(OnnxGraph graph, string name) =>
        MemoryMarshal.Cast<byte, float>((graph.Initializers.SingleOrDefault(t => t.Name == name)
            ?? throw new InvalidOperationException($"The tiny model has no initializer '{name}'.")).RawData.Span).ToArray();
}
