using Aot.Protocol;
using Aot.Models;
using Aot.Runtime;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;

namespace Aot.Runtime.Bench;

/// <summary>
/// One inference through each route the managed API offers, same model, same inputs, same session settings:
/// the Aot runner (IoBinding over pooled native buffers), ORT's raw IoBinding (the floor the runner must stay
/// within 5% of), ORT's Run with pre-allocated output OrtValues, and the NamedOnnxValue path most code uses.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 5, iterationCount: 20)]
[MedianColumn]
[HideColumns("Error", "StdDev")]
public class RunPathBenchmarks
{
    private OnnxModel _model = null!;
    private ModelRunner _runner = null!;
    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private OrtIoBinding _rawBinding = null!;
    private OrtValue[] _inputValues = null!;
    private OrtValue[] _outputValues = null!;
    private string[] _inputNames = null!;
    private string[] _outputNames = null!;
    private List<NamedOnnxValue> _namedInputs = null!;

    /// <summary><c>tiny</c>: 16-wide MLP, overhead-dominated. <c>minilm</c>: all-MiniLM-L6-v2 at sequence 128.</summary>
    [Params("tiny", "minilm")]
    public string Model { get; set; } = "tiny";

    [GlobalSetup]
    public void Setup()
    {
        string path = ModelStore.GetPath(Model);
        var options = new ModelOptions { IntraOpThreads = 1 };
        _model = OnnxModel.Load(path, options);
        _runner = _model.CreateRunner();

        using var sessionOptions = new SessionOptions { IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _session = new InferenceSession(path, sessionOptions);
        _runOptions = new RunOptions();

        ModelMetadata meta = _model.Metadata;
        _inputNames = meta.Inputs.Select(i => i.Name).ToArray();
        _outputNames = meta.Outputs.Select(o => o.Name).ToArray();
        _inputValues = new OrtValue[meta.Inputs.Count];
        _namedInputs = [];
        for (int i = 0; i < meta.Inputs.Count; i++)
        {
            TensorInfo input = meta.Inputs[i];
            long[] shape = ShapeOf(input);
            FillInput(input, _runner.GetInputBytes(i, shape));
            _inputValues[i] = CreateInputValue(input, shape);
            _namedInputs.Add(CreateNamedInput(input, shape));
        }

        _runner.Run();
        _runner.Run();
        _outputValues = new OrtValue[meta.Outputs.Count];
        _rawBinding = _session.CreateIoBinding();
        for (int i = 0; i < meta.Inputs.Count; i++)
        {
            _rawBinding.BindInput(_inputNames[i], _inputValues[i]);
        }

        for (int o = 0; o < meta.Outputs.Count; o++)
        {
            long[] outputShape = _runner.GetOutputShape(o).ToArray();
            _outputValues[o] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance,
                (Microsoft.ML.OnnxRuntime.Tensors.TensorElementType)(int)meta.Outputs[o].ElementType, outputShape);
            _rawBinding.BindOutput(_outputNames[o], _outputValues[o]);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _runner.Dispose();
        _model.Dispose();
        _rawBinding.Dispose();
        foreach (OrtValue value in _inputValues.Concat(_outputValues)) value.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    [Benchmark(Baseline = true, Description = "ORT IoBinding (raw floor)")]
    public void OrtIoBinding() => _session.RunWithBinding(_runOptions, _rawBinding);

    [Benchmark(Description = "Aot ModelRunner.Run")]
    public void AotRunner() => _runner.Run();

    [Benchmark(Description = "ORT Run, pre-allocated outputs")]
    public void OrtRunPreallocated() => _session.Run(_runOptions, _inputNames, _inputValues, _outputNames, _outputValues);

    [Benchmark(Description = "ORT Run, NamedOnnxValue")]
    public int OrtNamedOnnxValue()
    {
        using IDisposableReadOnlyCollection<DisposableNamedOnnxValue> results = _session.Run(_namedInputs);
        return results.Count;
    }

    private static long[] ShapeOf(TensorInfo input) =>
        input.Shape.Select(d => d.IsFixed ? d.Value : d.Symbol is "sequence" or "sequence_length" ? 128 : 1).ToArray();

    private static void FillInput(TensorInfo input, Span<byte> bytes)
    {
        if (input.ElementType == ElementType.Int64)
        {
            Span<long> ids = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(bytes);
            for (int i = 0; i < ids.Length; i++) ids[i] = input.Name.Contains("mask", StringComparison.Ordinal) ? 1 : input.Name.Contains("type", StringComparison.Ordinal) ? 0 : 100 + (i % 1000);
        }
        else
        {
            Span<float> values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes);
            for (int i = 0; i < values.Length; i++) values[i] = (i % 17) / 17f;
        }
    }

    private OrtValue CreateInputValue(TensorInfo input, long[] shape) =>
        input.ElementType == ElementType.Int64
            ? OrtValue.CreateTensorValueFromMemory(_runner.GetInputBuffer<long>(input.Index, shape).ToArray(), shape)
            : OrtValue.CreateTensorValueFromMemory(_runner.GetInputBuffer<float>(input.Index, shape).ToArray(), shape);

    private NamedOnnxValue CreateNamedInput(TensorInfo input, long[] shape)
    {
        int[] dims = shape.Select(d => (int)d).ToArray();
        return input.ElementType == ElementType.Int64
            ? NamedOnnxValue.CreateFromTensor(input.Name, new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<long>(_runner.GetInputBuffer<long>(input.Index, shape).ToArray(), dims))
            : NamedOnnxValue.CreateFromTensor(input.Name, new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(_runner.GetInputBuffer<float>(input.Index, shape).ToArray(), dims));
    }
}
