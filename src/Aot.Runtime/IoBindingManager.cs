using Microsoft.ML.OnnxRuntime;

namespace Aot.Runtime;

/// <summary>
/// A runner's IoBindings and the run itself: picks the <see cref="ShapeCache"/> entry of the current input
/// shapes, binds outputs to pre-allocated buffers where their shapes are known (<see cref="OutputShapeResolver"/>)
/// and to ORT's allocator otherwise, runs, and adopts what ORT allocated. In steady state (a cached entry whose
/// outputs are all pre-allocated) a run is a lookup and one native call: nothing is bound and nothing allocated.
/// </summary>
internal sealed class IoBindingManager : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly string? _arenasToShrink;
    private RunOptions? _shrinkingRunOptions;
    private readonly BoundTensor[] _inputs;
    private readonly BoundTensor[] _outputs;
    private readonly OutputShapeResolver _shapes;
    private readonly ShapeCache _cache;
    private readonly bool _rebindInputsEveryRun;
    private readonly bool _hasStringInputs;
    private IDisposableReadOnlyCollection<OrtValue>? _ortOutputs;

    /// <summary>The cache entry of the current input shapes; null after an input changed shape until the next run.</summary>
    private ShapeCache.Entry? _entry;

    public IoBindingManager(OnnxModel model, BoundTensor[] inputs, BoundTensor[] outputs)
    {
        _session = model.Session;
        _runOptions = new RunOptions();
        _arenasToShrink = ArenasOf(model);
        _inputs = inputs;
        _outputs = outputs;
        _shapes = new OutputShapeResolver(inputs, outputs);
        _cache = new ShapeCache(model.Options.ShapeCache, inputs, outputs);

        // With CUDA, IoBinding copies a host input to the device when it is bound, not when the model runs,
        // so inputs must be bound again before every run to pick up new contents.
        _rebindInputsEveryRun = model.Device == DeviceKind.Cuda;
        _hasStringInputs = inputs.Any(i => i.Info.ElementType == ElementType.String);
    }

    /// <summary>Number of input-shape combinations held bound.</summary>
    public int CachedShapeCount => _cache.Count;

    /// <summary>Capacity of the native buffers held.</summary>
    public long CachedBytes => _cache.PooledBytes;

    /// <summary>An input changed shape: the next run looks up (or creates) the entry of the new shapes.</summary>
    public void InputShapeChanged() => _entry = null;

    /// <summary>Runs the model on the current inputs.</summary>
    public void Run() => Run(_runOptions);

    /// <summary>
    /// Runs the model, then gives back to the system what ONNX Runtime's memory arenas grew to beyond their first
    /// region (run option <c>memory.enable_memory_arena_shrinkage</c>). The next run that needs more grows them again,
    /// paying page faults: for after a burst, not for every run. Without an arena (CPU arena off) a plain run. The
    /// bound buffers of every other input shape are dropped too.
    /// </summary>
    public void RunAndShrinkArenas()
    {
        if (_arenasToShrink is not null && _shrinkingRunOptions is null)
        {
            var options = new RunOptions();
            options.AddRunConfigEntry("memory.enable_memory_arena_shrinkage", _arenasToShrink);
            _shrinkingRunOptions = options;
        }

        Run(_shrinkingRunOptions ?? _runOptions);
        if (_entry is { } current)
        {
            _cache.DropAllBut(current); // the buffers of the burst's shapes go too
        }
    }

    /// <summary>The arenas a shrinking run names: ORT refuses to shrink one that does not exist.</summary>
    private static string? ArenasOf(OnnxModel model)
    {
        var arenas = new List<string>(2);
        if (model.Options.CpuMemoryArena)
        {
            arenas.Add("cpu:0");
        }

        if (model.Device == DeviceKind.Cuda)
        {
            arenas.Add($"gpu:{model.DeviceId}");
        }

        return arenas.Count == 0 ? null : string.Join(';', arenas);
    }

    private void Run(RunOptions runOptions)
    {
        ShapeCache.Entry entry = _entry ?? SelectEntry();
        bool resolved = entry.OutputsNeedResolving;
        if (resolved)
        {
            ResolveOutputs(entry);
        }
        else if (entry.HasOrtOutputs)
        {
            RebindOrtAllocatedOutputs(entry);
        }

        BindInputs(entry);
        ReleaseOrtOutputs();
        ShowOutputs(entry);
        if (resolved)
        {
            _cache.Trim(entry);
        }

        try
        {
            _session.RunWithBinding(runOptions, entry.Binding);
        }
        catch (OnnxRuntimeException) when (RetryWithoutLearnedShapes(entry))
        {
            _session.RunWithBinding(runOptions, entry.Binding);
        }

        if (entry.HasOrtOutputs)
        {
            CollectOrtOutputs(entry);
        }
    }

    public void Dispose()
    {
        ReleaseOrtOutputs();
        _entry = null;
        _cache.Dispose();
        _runOptions.Dispose();
        _shrinkingRunOptions?.Dispose();
    }

    /// <summary>
    /// Finds (or creates and binds) the cache entry of the current input shapes. Entries hold references on their
    /// variants, so a cached combination finds its inputs' buffers and OrtValues still bound in its own IoBinding:
    /// switching back to it allocates nothing.
    /// </summary>
    private ShapeCache.Entry SelectEntry()
    {
        InputValidator.CheckComplete(_inputs);
        ShapeCache.Entry entry = _cache.Find() ?? _cache.Add(_session);
        _entry = entry;
        return entry;
    }

    /// <summary>
    /// Makes each output's pre-allocated variant in <paramref name="entry"/> the one the runner reads after the
    /// run; an output ORT allocates shows nothing until the run produced it (CollectOrtOutputs).
    /// </summary>
    private void ShowOutputs(ShapeCache.Entry entry)
    {
        for (int i = 0; i < _outputs.Length; i++)
        {
            _outputs[i].SetCurrent(entry.Outputs[i]);
        }
    }

    /// <summary>Binds each output to a buffer of known shape, or to ORT's allocator when the shape is unknown.</summary>
    private void ResolveOutputs(ShapeCache.Entry entry)
    {
        long[][]? learned = _shapes.FindLearned();
        entry.HasOrtOutputs = false;
        for (int i = 0; i < _outputs.Length; i++)
        {
            BoundTensor output = _outputs[i];
            long[]? shape = _shapes.KnownShape(i, learned);
            if (shape is null)
            {
                entry.SetOutput(i, null);
                entry.HasOrtOutputs = true;
                entry.Binding.BindOutputToDevice(output.Name, OrtMemoryInfo.DefaultInstance);
                continue;
            }

            TensorVariant variant = output.Acquire(shape, OutputShapeResolver.Product(shape));
            if (!ReferenceEquals(entry.Outputs[i], variant))
            {
                entry.SetOutput(i, variant);
                entry.Binding.BindOutput(output.Name, variant.Value);
            }
        }

        entry.OutputsNeedResolving = false;
    }

    /// <summary>
    /// After a run, IoBinding keeps the values ORT allocated as the bound outputs, and the next run would treat
    /// them as pre-allocated (failing when the shape changes). Binding to the device again asks for fresh ones.
    /// </summary>
    private void RebindOrtAllocatedOutputs(ShapeCache.Entry entry)
    {
        for (int i = 0; i < _outputs.Length; i++)
        {
            if (entry.Outputs[i] is null)
            {
                entry.Binding.BindOutputToDevice(_outputs[i].Name, OrtMemoryInfo.DefaultInstance);
            }
        }
    }

    /// <summary>
    /// Entries bind their pooled inputs once. String inputs are new OrtValues after every
    /// <see cref="ModelRunner.SetStringInput"/>, and a CUDA binding copies host inputs at bind time: those are
    /// bound before each run.
    /// </summary>
    private void BindInputs(ShapeCache.Entry entry)
    {
        if (!_rebindInputsEveryRun && !_hasStringInputs)
        {
            return;
        }

        for (int i = 0; i < _inputs.Length; i++)
        {
            if (_rebindInputsEveryRun || entry.Inputs[i] is null)
            {
                entry.Binding.BindInput(_inputs[i].Name, _inputs[i].Value!);
            }
        }
    }

    /// <summary>
    /// After an ORT-allocated run, adopt ORT's outputs and remember their shapes. When every such output could be
    /// learned, the entry binds pre-allocated buffers of those shapes now (ORT's values stay readable until the next
    /// run), so the next run of these input shapes allocates nothing: each shape needs to be seen only once.
    /// </summary>
    private void CollectOrtOutputs(ShapeCache.Entry entry)
    {
        entry.Binding.SynchronizeBoundOutputs();
        _ortOutputs = entry.Binding.GetOutputValues();
        var shapes = new long[_outputs.Length][];
        bool allLearnable = true;
        for (int i = 0; i < _outputs.Length; i++)
        {
            BoundTensor output = _outputs[i];
            OrtValue value = _ortOutputs[i];
            if (entry.Outputs[i] is null)
            {
                long[] shape = value.GetTensorTypeAndShape().Shape;
                output.SetOrtOwned(value, shape, OutputShapeResolver.Product(shape), ownsValue: false); // _ortOutputs disposes it
                allLearnable &= _shapes.IsLearnable(i);
                shapes[i] = shape;
            }
            else
            {
                shapes[i] = (long[])output.Shape.Clone();
            }
        }

        if (allLearnable)
        {
            _shapes.Remember(shapes);
            ResolveOutputs(entry);
            _cache.Trim(entry);
        }
    }

    /// <summary>
    /// A learned output shape was wrong (the output's shape depends on input values, not only input shapes):
    /// let ORT allocate such outputs from now on, in every cached entry.
    /// </summary>
    private bool RetryWithoutLearnedShapes(ShapeCache.Entry entry)
    {
        if (!_shapes.MarkLearnedAsDataDependent(entry.Outputs))
        {
            return false;
        }

        _cache.ResolveAllAgain();
        ResolveOutputs(entry);
        return true;
    }

    private void ReleaseOrtOutputs()
    {
        if (_ortOutputs is null)
        {
            return;
        }

        foreach (BoundTensor output in _outputs)
        {
            output.DetachOrtOwned();
        }

        _ortOutputs.Dispose();
        _ortOutputs = null;
    }
}
