using Aot.Models;
using Aot.Runtime;
using BenchmarkDotNet.Attributes;
using Microsoft.ML.OnnxRuntime;
using OrtElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace Aot.Runtime.Bench;

/// <summary>
/// What the server's dynamic batcher does under load: every run has a different batch size. Each invocation runs
/// the tiny model once per batch size in <see cref="BatchSizes"/> (fill one element, run, read one element), so
/// the numbers are per run. Beside the runner, two raw ORT routes show what a shape switch costs at the binding
/// level: one IoBinding re-bound to cached OrtValues on every switch, and one IoBinding per shape.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 5, iterationCount: 20)]
[MedianColumn]
[HideColumns("Error", "StdDev")]
public class AlternatingShapeBenchmarks
{
    private const int Features = 16; // the tiny model is [batch, 16] -> [batch, 16]
    private static readonly long[] BatchSizes = [1, 3, 8, 16];

    private OnnxModel _model = null!;
    private ModelRunner _runner = null!;
    private InferenceSession _session = null!;
    private RunOptions _runOptions = null!;
    private OrtIoBinding _sharedBinding = null!;
    private OrtIoBinding[] _bindingPerShape = null!;
    private OrtValue[] _inputs = null!;
    private OrtValue[] _outputs = null!;
    private long[][] _shapes = null!;

    [GlobalSetup]
    public void Setup()
    {
        string path = ModelStore.GetPath("tiny");
        _model = OnnxModel.Load(path, new ModelOptions { IntraOpThreads = 1 });
        _runner = _model.CreateRunner();
        _shapes = BatchSizes.Select(b => new[] { b, Features }).ToArray();

        using var sessionOptions = new SessionOptions { IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        _session = new InferenceSession(path, sessionOptions);
        _runOptions = new RunOptions();
        _sharedBinding = _session.CreateIoBinding();
        _inputs = new OrtValue[_shapes.Length];
        _outputs = new OrtValue[_shapes.Length];
        _bindingPerShape = new OrtIoBinding[_shapes.Length];
        for (int s = 0; s < _shapes.Length; s++)
        {
            _inputs[s] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, OrtElementType.Float, _shapes[s]);
            _outputs[s] = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, OrtElementType.Float, _shapes[s]);
            _inputs[s].GetTensorMutableDataAsSpan<float>().Fill(0.25f);
            _bindingPerShape[s] = _session.CreateIoBinding();
            _bindingPerShape[s].BindInput("x", _inputs[s]);
            _bindingPerShape[s].BindOutput("y", _outputs[s]);
        }

        for (int warmUp = 0; warmUp < 3; warmUp++)
        {
            AotRunnerAlternating();
            OrtRebindOneBinding();
            OrtBindingPerShape();
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _runner.Dispose();
        _model.Dispose();
        _sharedBinding.Dispose();
        foreach (OrtIoBinding binding in _bindingPerShape) binding.Dispose();
        foreach (OrtValue value in _inputs.Concat(_outputs)) value.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = 4, Description = "Aot runner, batch 1/3/8/16 alternating")]
    public float AotRunnerAlternating()
    {
        float sum = 0;
        foreach (long[] shape in _shapes)
        {
            sum += RunOnce(shape, sum);
        }

        return sum;
    }

    [Benchmark(OperationsPerInvoke = 4, Description = "Aot runner, batch 8 every run")]
    public float AotRunnerFixed()
    {
        float sum = 0;
        for (int i = 0; i < 4; i++)
        {
            sum += RunOnce(_shapes[2], sum);
        }

        return sum;
    }

    private float RunOnce(long[] shape, float value)
    {
        _runner.GetInputBuffer<float>(0, shape)[0] = value;
        _runner.Run();
        return _runner.GetOutput<float>(0)[0];
    }

    [Benchmark(OperationsPerInvoke = 4, Description = "ORT, one IoBinding, BindInput/BindOutput cached OrtValues per run")]
    public void OrtRebindOneBinding()
    {
        for (int s = 0; s < _shapes.Length; s++)
        {
            _sharedBinding.BindInput("x", _inputs[s]);
            _sharedBinding.BindOutput("y", _outputs[s]);
            _session.RunWithBinding(_runOptions, _sharedBinding);
        }
    }

    [Benchmark(OperationsPerInvoke = 4, Description = "ORT, one IoBinding per shape")]
    public void OrtBindingPerShape()
    {
        foreach (OrtIoBinding binding in _bindingPerShape)
        {
            _session.RunWithBinding(_runOptions, binding);
        }
    }
}
