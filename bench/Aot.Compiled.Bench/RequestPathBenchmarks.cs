using Aot.Models;
using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Server.Compiled;
using Aot.Server.Hosting;
using Aot.Server.Metrics;
using Aot.Server.Models;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Jobs;
using Aot.Protocol;

namespace Aot.Compiled.Bench;

/// <summary>
/// One request through the server's request path, after parsing: fill the pooled request's tensors, validate, hand
/// it to the model's batcher (an idle model runs it inline on the caller's thread: copy into the pinned batch
/// buffers, ONNX Runtime run) and take the completion callback's view of the outputs. Runtime-loaded (what
/// `aot serve` does) is the baseline; compiled-in uses the generated X.Serving (validation and batch layout). One
/// intra-op thread, so the time is the request's CPU time. A second pair times the validation step alone (100 calls),
/// a third the batch layout alone (<see cref="BatchRequests"/> one-row requests into a worker's pinned buffers).
/// </summary>
[MemoryDiagnoser]
[InProcessBenchmarkJob]
[MedianColumn]
[HideColumns("Error", "StdDev")]
public class RequestPathBenchmarks
{
    private ServedModel _runtime = null!;
    private ServedModel _compiled = null!;
    private BenchRequest _runtimeRequest = null!;
    private BenchRequest _compiledRequest = null!;
    private byte[][] _inputs = null!;
    private long[][] _shapes = null!;
    private List<InferenceRequest> _batch = null!;
    private BatchPlan _runtimePlan = null!;
    private BatchPlan _compiledPlan = null!;
    private IModelExecutor _runtimeExecutor = null!;
    private CompiledExecutor _compiledExecutor = null!;

    /// <summary>Requests (one row each) in the batch of the batch-layout pair.</summary>
    public const int BatchRequests = 8;

    /// <summary><c>tiny</c>: 16-wide MLP, one row (overhead-dominated). <c>minilm</c>: all-MiniLM-L6-v2, one sequence of 16 tokens.</summary>
    [Params("tiny", "minilm")]
    public string Model { get; set; } = "tiny";

    [GlobalSetup]
    public void Setup()
    {
        string path = ModelStore.GetPath(Model);
        var modelOptions = new ModelOptions { IntraOpThreads = 1 };
        var batcherOptions = new BatcherOptions();
        _runtime = ModelLoader.Load([new ModelSource(Model, 1, path)], modelOptions, batcherOptions, static _ => { }).All[0];
        CompiledModel serving = Model == "tiny" ? new Tiny.Serving() : new MiniLm.Serving();
        _compiled = CompiledModelLoader.LoadOne(serving, path, modelOptions, batcherOptions, static _ => { });
        if (_compiled.Batcher.Adapter is not CompiledModelAdapter { UsesGeneratedCode: true })
        {
            throw new InvalidOperationException("The compiled validation is not in use.");
        }

        ServingTensor[] inputs = _runtime.Signature.Inputs;
        _shapes = [.. inputs.Select(i => i.Dims.Select((d, axis) => d.IsFixed ? d.Value : axis == 0 ? 1L : 16L).ToArray())];
        _inputs = [.. inputs.Select((input, i) => new byte[_shapes[i].Aggregate(1L, (a, b) => a * b) * input.ElementSize])];
        if (Model == "minilm")
        {
            // Token ids 101.., mask 1, types 0.
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(_inputs[0].AsSpan()).Fill(1000);
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(_inputs[1].AsSpan()).Fill(1);
        }
        else
        {
            System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(_inputs[0].AsSpan()).Fill(0.5f);
        }

        _runtimeRequest = new BenchRequest(_runtime.Signature);
        _compiledRequest = new BenchRequest(_compiled.Signature);
        if (RuntimeLoaded() != CompiledIn())
        {
            throw new InvalidOperationException("The two paths disagree.");
        }

        if (serving.BatchFills != (1, 0))
        {
            throw new InvalidOperationException($"The compiled-in request was not laid out by the generated code (generated, general fills: {serving.BatchFills}).");
        }

        // The batch layout alone: BatchRequests requests of one row each, into a worker's executor of each kind.
        _batch = [];
        for (int r = 0; r < BatchRequests; r++)
        {
            var request = new BenchRequest(_runtime.Signature);
            Fill(request);
            _batch.Add(request);
        }

        _runtimePlan = new BatchPlan(_runtime.Signature, pad: false);
        _compiledPlan = new BatchPlan(_compiled.Signature, pad: false);
        _runtimeExecutor = new RunnerExecutor(_runtime.Model.CreateRunner());
        _compiledExecutor = serving.NewExecutor(_compiled.Model, generatedFill: true);
        LayOutCompiledIn();
        if (_compiledExecutor.GeneratedFills != 1)
        {
            throw new InvalidOperationException("The compiled-in batch was not laid out by the generated code.");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _runtimeExecutor.Dispose();
        _compiledExecutor.Dispose();
        _runtime.Dispose();
        _compiled.Dispose();
    }

    [Benchmark(Baseline = true, Description = "request, runtime-loaded")]
    public float RuntimeLoaded() => Serve(_runtime, _runtimeRequest);

    [Benchmark(Description = "request, compiled-in")]
    public float CompiledIn() => Serve(_compiled, _compiledRequest);

    [Benchmark(Description = "validation only, runtime-loaded")]
    public int ValidateRuntimeLoaded() => Validate(_runtime, _runtimeRequest);

    [Benchmark(Description = "validation only, compiled-in")]
    public int ValidateCompiledIn() => Validate(_compiled, _compiledRequest);

    [Benchmark(Description = "batch layout only, runtime-loaded")]
    public void LayOutRuntimeLoaded() => _runtimePlan.FillInputs(_runtimeExecutor, _batch, BatchRequests);

    [Benchmark(Description = "batch layout only, compiled-in")]
    public void LayOutCompiledIn() => _compiledPlan.FillInputs(_compiledExecutor, _batch, BatchRequests);

    private int Validate(ServedModel model, BenchRequest request)
    {
        int total = 0;
        for (int i = 0; i < 100; i++)
        {
            model.Batcher.Validate(request.Inputs);
            total += request.Inputs.Length;
        }

        return total;
    }

    private float Serve(ServedModel model, BenchRequest request)
    {
        Fill(request);
        request.SelectAllOutputs();
        if (model.Batcher.Submit(request, mayRunInline: true) != SubmitResult.Completed)
        {
            throw new InvalidOperationException("Not run inline.");
        }

        return request.Checksum;
    }

    private void Fill(BenchRequest request)
    {
        request.Reset();
        for (int i = 0; i < _inputs.Length; i++)
        {
            TensorBuffer tensor = request.Inputs[i];
            _shapes[i].CopyTo(tensor.Shape, 0);
            _inputs[i].CopyTo(tensor.Allocate(_inputs[i].Length));
            tensor.IsSet = true;
        }
    }

    /// <summary>A request whose completion reads the first element of each output (what a responder would copy from).</summary>
    private sealed class BenchRequest(ServingSignature signature) : InferenceRequest(signature, new ModelMetrics("bench", "1"))
    {
        public float Checksum { get; private set; }

        public override bool IsAbandoned => false;

        public void Reset() => ResetState();

        protected override void Recycle() => ResetState();

        public override void OnCompleted(in InferenceResult result)
        {
            Checksum = 0;
            Span<long> shape = stackalloc long[8];
            for (int o = 0; o < Signature.Outputs.Length; o++)
            {
                if (result.TryGetContiguous(o, shape[..result.GetRank(o)], out ReadOnlySpan<byte> bytes))
                {
                    Checksum += System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes)[0];
                }
            }
        }

        public override void OnFailed(ErrorCode code, string message) => throw new InvalidOperationException(message);
    }
}

/// <summary>
/// Warm-up 5, 20 iterations, in process: the benchmark host is this (already built) executable, because the models are
/// listed at build time by a target that builds the models CLI, which BenchmarkDotNet's generated project cannot restore.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class InProcessBenchmarkJobAttribute : Attribute, BenchmarkDotNet.Configs.IConfigSource
{
    public BenchmarkDotNet.Configs.IConfig Config { get; } = BenchmarkDotNet.Configs.ManualConfig.CreateEmpty().AddJob(
        BenchmarkDotNet.Jobs.JobExtensions.WithToolchain(BenchmarkDotNet.Jobs.Job.Default.WithWarmupCount(5).WithIterationCount(20),
            BenchmarkDotNet.Toolchains.InProcess.NoEmit.InProcessNoEmitToolchain.Instance));
}
