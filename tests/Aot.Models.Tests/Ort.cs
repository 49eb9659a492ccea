using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace Aot.Models.Tests;

/// <summary>ONNX Runtime helpers: sessions on the CPU provider, tensors from arrays, and readable signatures.</summary>
internal static class Ort
{
    // Shared and never disposed: sessions keep using their options, and tests run for the process's lifetime.
    private static readonly SessionOptions Options = new()
    {
        LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        // The CI machine has 2 cores and xunit runs test classes in parallel.
        IntraOpNumThreads = 1,
    };

    // For the full-size models: graph optimisations (fusions, weight prepacking) make loading BERT-base take 5-20 s
    // on the CI machine, while the unoptimised graph still proves ORT accepts, shape-checks and runs the model.
    private static readonly SessionOptions Unoptimized = new()
    {
        LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
        IntraOpNumThreads = 1,
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL,
    };

    private static readonly RunOptions RunOptions = new();

    public static InferenceSession Open(string path) => new(path, Options);

    public static InferenceSession OpenUnoptimized(string path) => new(path, Unoptimized);

    public static InferenceSession Open(byte[] model) => new(model, Options);

    public static OrtValue Tensor<T>(T[] data, params long[] shape) where T : unmanaged =>
        OrtValue.CreateTensorValueFromMemory(data, shape);

    /// <summary>Runs with the given inputs and returns every output by name, in the session's output order.</summary>
    public static Outputs Run(InferenceSession session, params (string Name, OrtValue Value)[] inputs)
    {
        var results = session.Run(RunOptions, [.. inputs.Select(input => input.Name)], [.. inputs.Select(input => input.Value)], session.OutputNames);
        return new Outputs(session.OutputNames, results);
    }

    /// <summary>"name: Float [batch, 3]" lines for inputs then outputs, as ORT reports them.</summary>
    public static string Describe(InferenceSession session) =>
        string.Join(Environment.NewLine,
            session.InputMetadata.Select(pair => $"in  {Describe(pair.Key, pair.Value)}")
                .Concat(session.OutputMetadata.Select(pair => $"out {Describe(pair.Key, pair.Value)}")));

    public static string Describe(string name, NodeMetadata metadata)
    {
        if (metadata.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR)
            return $"{name}: {metadata.OnnxValueType}";
        var dims = metadata.Dimensions.Select((dim, i) =>
            dim >= 0 ? dim.ToString(CultureInfo.InvariantCulture) : metadata.SymbolicDimensions[i] is { Length: > 0 } symbol ? symbol : "?");
        return $"{name}: {metadata.ElementDataType} [{string.Join(", ", dims)}]";
    }

    public static void AssertFinite(ReadOnlySpan<float> values)
    {
        foreach (var value in values)
            Assert.True(float.IsFinite(value), $"non-finite output {value}");
    }

    public sealed class Outputs(IReadOnlyList<string> names, IDisposableReadOnlyCollection<OrtValue> values) : IDisposable
    {
        public OrtValue this[string name] => values.ElementAt(names.ToList().IndexOf(name));

        public long[] Shape(string name) => this[name].GetTensorTypeAndShape().Shape;

        public float[] Floats(string name) => this[name].GetTensorDataAsSpan<float>().ToArray();

        public void Dispose() => values.Dispose();
    }
}
