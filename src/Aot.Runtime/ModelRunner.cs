using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using Microsoft.ML.OnnxRuntime;

namespace Aot.Runtime;

/// <summary>
/// One caller's reusable state for running an <see cref="OnnxModel"/>: 64-byte-aligned native buffers for inputs
/// and outputs, OrtValues over them, and IoBindings, kept per combination of input shapes. Not thread-safe; use
/// one runner per thread or worker (many runners may run one model concurrently).
/// </summary>
/// <remarks>
/// Steady state: when every output shape is known and the input shapes are ones the runner has run before (and
/// still holds in its shape cache, <see cref="ModelOptions.ShapeCache"/>), <see cref="Run"/> allocates no managed
/// memory — also when the shapes alternate from run to run. Output shapes are known when their symbolic
/// dimensions appear on inputs, or after one run with the current input shapes (the shape ONNX Runtime produced
/// is remembered; that first run lets ORT allocate the output). See docs/runtime.md.
/// </remarks>
public sealed unsafe class ModelRunner : IDisposable
{
    private readonly OnnxModel _model;
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly BoundTensor[] _inputs;
    private readonly BoundTensor[] _outputs;
    private readonly LearnedOutputShapes _learned = new();
    private readonly ShapeCache _cache;
    private readonly IHostBufferSource _buffers;
    private readonly bool _rebindInputsEveryRun;
    private readonly bool _hasStringInputs;
    private IDisposableReadOnlyCollection<OrtValue>? _ortOutputs;

    /// <summary>The cache entry of the current input shapes; null after an input changed shape until the next run.</summary>
    private ShapeCache.Entry? _entry;
    private bool _disposed;

    internal ModelRunner(OnnxModel model)
        : this(EnsureBindable(model), model.Device == DeviceKind.Cuda ? new CudaPinnedHostBuffers(model.Session, model.DeviceId) : PooledHostBuffers.Instance)
    {
    }

    /// <summary>Takes ownership of <paramref name="buffers"/>; tests pass a counting source to check that every buffer comes back.</summary>
    internal ModelRunner(OnnxModel model, IHostBufferSource buffers)
    {
        _model = EnsureBindable(model);
        _session = model.Session;
        ModelMetadata metadata = model.Metadata;

        // With CUDA, IoBinding copies a host input to the device when it is bound, not when the model runs,
        // so inputs must be bound again before every run to pick up new contents.
        _rebindInputsEveryRun = model.Device == DeviceKind.Cuda;
        _hasStringInputs = metadata.Inputs.Any(i => i.ElementType == ElementType.String);
        _buffers = buffers;
        _runOptions = new RunOptions();
        _inputs = metadata.Inputs.Select(i => new BoundTensor(i, _buffers)).ToArray();
        _outputs = metadata.Outputs.Select(o => new BoundTensor(o, _buffers)).ToArray();
        _cache = new ShapeCache(model.Options.ShapeCache, _inputs, _outputs);
    }

    /// <summary>The model this runner runs.</summary>
    public OnnxModel Model => _model;

    /// <summary>Number of model inputs.</summary>
    public int InputCount => _inputs.Length;

    /// <summary>Number of model outputs.</summary>
    public int OutputCount => _outputs.Length;

    /// <summary>
    /// Sets input <paramref name="index"/>'s shape and returns its buffer as a span of <typeparamref name="T"/>
    /// (length = product of the shape) for the caller to fill. The same shape as last time allocates nothing
    /// and keeps the previous contents; a shape used before and still cached (<see cref="ModelOptions.ShapeCache"/>)
    /// gets its own buffer back, without allocating, holding whatever it held then. Fill the whole span: a span
    /// taken for another shape points at that shape's buffer.
    /// </summary>
    /// <exception cref="ModelInputException">T, rank or a fixed dimension does not match the input.</exception>
    public Span<T> GetInputBuffer<T>(int index, scoped ReadOnlySpan<long> shape) where T : unmanaged
    {
        BoundTensor input = Input(index);
        ElementType given = ElementTypes.Of<T>();
        if (given != input.Info.ElementType)
        {
            throw new ModelInputException(input.Name,
                $"Input '{input.Name}' holds {ElementTypes.ToKServeName(input.Info.ElementType)} elements but was accessed as {typeof(T).Name} ({ElementTypes.ToKServeName(given)}).");
        }

        PrepareInput(input, shape);
        return new Span<T>((void*)input.Current!.Buffer.Pointer, checked((int)input.ElementCount));
    }

    /// <summary>Like <see cref="GetInputBuffer{T}"/>, as raw little-endian bytes (length = elements × element size).</summary>
    public Span<byte> GetInputBytes(int index, scoped ReadOnlySpan<long> shape)
    {
        BoundTensor input = Input(index);
        if (input.Info.ElementType == ElementType.String)
        {
            throw new ModelInputException(input.Name, $"Input '{input.Name}' is a string tensor; use SetStringInput.");
        }

        PrepareInput(input, shape);
        return new Span<byte>((void*)input.Current!.Buffer.Pointer, checked((int)input.ByteCount));
    }

    /// <summary>The shape input <paramref name="index"/> was last given.</summary>
    /// <exception cref="InvalidOperationException">The input has not been set yet.</exception>
    public ReadOnlySpan<long> GetInputShape(int index)
    {
        BoundTensor input = Input(index);
        if (!input.HasShape)
        {
            throw new InvalidOperationException($"Input '{input.Name}' has not been set yet.");
        }

        return input.Shape;
    }

    /// <summary>Sets a string input. Strings live in ONNX Runtime's memory, so this allocates.</summary>
    public void SetStringInput(int index, ReadOnlySpan<string> values, scoped ReadOnlySpan<long> shape)
    {
        BoundTensor input = Input(index);
        if (input.Info.ElementType != ElementType.String)
        {
            throw new ModelInputException(input.Name, $"Input '{input.Name}' holds {ElementTypes.ToKServeName(input.Info.ElementType)} elements, not strings.");
        }

        long count = ValidateShape(input.Info, shape);
        if (count != values.Length)
        {
            throw new ModelInputException(input.Name, $"Input '{input.Name}' with shape {FormatShape(shape)} needs {count} strings but got {values.Length}.");
        }

        long[] shapeArray = shape.ToArray();
        OrtValue value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shapeArray);
        for (int i = 0; i < values.Length; i++)
        {
            value.StringTensorSetElementAt(values[i].AsSpan(), i);
        }

        if (!input.ShapeEquals(shape))
        {
            _entry = null;
        }

        input.SetOrtOwned(value, shape, count, ownsValue: true); // bound before every run (BindInputs)
    }

    /// <summary>Runs the model on the current inputs. Allocation-free in steady state (see the class remarks).</summary>
    /// <exception cref="ModelInputException">An input was never set, or inputs disagree on a shared symbolic dimension.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime failed while running the graph.</exception>
    public void Run()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
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
            _session.RunWithBinding(_runOptions, entry.Binding);
        }
        catch (OnnxRuntimeException) when (RetryWithoutLearnedShapes(entry))
        {
            _session.RunWithBinding(_runOptions, entry.Binding);
        }

        if (entry.HasOrtOutputs)
        {
            CollectOrtOutputs(entry);
        }
    }

    /// <summary>Number of input-shape combinations this runner holds bound (tests).</summary>
    internal int CachedShapeCount => _cache.Count;

    /// <summary>Capacity of the native buffers this runner holds (tests).</summary>
    internal long CachedBytes => _cache.PooledBytes;

    /// <summary>Output <paramref name="index"/> of the last run as a span of <typeparamref name="T"/>; valid until the next run.</summary>
    public ReadOnlySpan<T> GetOutput<T>(int index) where T : unmanaged
    {
        BoundTensor output = Output(index);
        ElementType given = ElementTypes.Of<T>();
        if (given != output.Info.ElementType)
        {
            throw new ModelInputException(output.Name,
                $"Output '{output.Name}' holds {ElementTypes.ToKServeName(output.Info.ElementType)} elements but was read as {typeof(T).Name} ({ElementTypes.ToKServeName(given)}).");
        }

        return new ReadOnlySpan<T>((void*)OutputPointer(output), checked((int)output.ElementCount));
    }

    /// <summary>Output <paramref name="index"/> of the last run as raw little-endian bytes.</summary>
    public ReadOnlySpan<byte> GetOutputBytes(int index)
    {
        BoundTensor output = Output(index);
        if (output.Info.ElementType == ElementType.String)
        {
            throw new ModelInputException(output.Name, $"Output '{output.Name}' is a string tensor; use GetStringOutput.");
        }

        return new ReadOnlySpan<byte>((void*)OutputPointer(output), checked((int)output.ByteCount));
    }

    /// <summary>Shape of output <paramref name="index"/> from the last run.</summary>
    public ReadOnlySpan<long> GetOutputShape(int index)
    {
        BoundTensor output = Output(index);
        EnsureRan(output);
        return output.Shape;
    }

    /// <summary>A string output of the last run (allocates).</summary>
    public string[] GetStringOutput(int index)
    {
        BoundTensor output = Output(index);
        if (output.Info.ElementType != ElementType.String)
        {
            throw new ModelInputException(output.Name, $"Output '{output.Name}' holds {ElementTypes.ToKServeName(output.Info.ElementType)} elements, not strings.");
        }

        EnsureRan(output);
        return output.Value!.GetStringTensorAsArray();
    }

    /// <summary>Releases buffers, OrtValues and the binding. The model stays loaded.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ReleaseOrtOutputs();
        _entry = null;
        _cache.Dispose();
        foreach (BoundTensor tensor in _inputs)
        {
            tensor.Dispose();
        }

        foreach (BoundTensor tensor in _outputs)
        {
            tensor.Dispose();
        }

        _runOptions.Dispose();
        (_buffers as IDisposable)?.Dispose();
    }

    /// <summary>Checked before anything native is created for the runner.</summary>
    private static OnnxModel EnsureBindable(OnnxModel model)
    {
        foreach (TensorInfo input in model.Metadata.Inputs)
        {
            if (!input.IsTensor || !ElementTypes.IsSupported(input.ElementType))
            {
                throw new NotSupportedException(
                    $"Input '{input.Name}' of '{model.Source}' is {(input.IsTensor ? ElementTypes.ToKServeName(input.ElementType) + " tensor" : "not a tensor")}; Aot.Runtime binds tensors of numeric, bool and string types only.");
            }
        }

        return model;
    }

    private BoundTensor Input(int index)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((uint)index >= (uint)_inputs.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The model has {_inputs.Length} inputs.");
        }

        return _inputs[index];
    }

    private BoundTensor Output(int index)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if ((uint)index >= (uint)_outputs.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"The model has {_outputs.Length} outputs.");
        }

        return _outputs[index];
    }

    private void PrepareInput(BoundTensor input, scoped ReadOnlySpan<long> shape)
    {
        if (input.ShapeEquals(shape))
        {
            return;
        }

        long count = ValidateShape(input.Info, shape);
        input.Select(shape, count);
        _entry = null;
    }

    /// <summary>Checks rank and fixed dimensions and returns the element count.</summary>
    private static long ValidateShape(TensorInfo info, scoped ReadOnlySpan<long> shape)
    {
        if (shape.Length != info.Rank)
        {
            throw new ModelInputException(info.Name,
                $"Input '{info.Name}' expects rank {info.Rank} {info.ShapeText} but got rank {shape.Length} {FormatShape(shape)}.");
        }

        long count = 1;
        for (int d = 0; d < shape.Length; d++)
        {
            Dimension declared = info.Shape[d];
            if (shape[d] < 0)
            {
                throw new ModelInputException(info.Name, $"Input '{info.Name}' got a negative dimension {d} in {FormatShape(shape)}.");
            }

            if (declared.IsFixed && declared.Value != shape[d])
            {
                throw new ModelInputException(info.Name,
                    $"Input '{info.Name}' expects dimension {d} to be {declared.Value} {info.ShapeText} but got {shape[d]} {FormatShape(shape)}.");
            }

            try
            {
                count = checked(count * shape[d]);
            }
            catch (OverflowException)
            {
                throw new ModelInputException(info.Name, $"Input '{info.Name}' shape {FormatShape(shape)} has too many elements.");
            }
        }

        long bytes = count * Math.Max(1, info.ElementSize);
        if (bytes > Array.MaxLength)
        {
            throw new ModelInputException(info.Name, $"Input '{info.Name}' shape {FormatShape(shape)} needs {bytes} bytes; one tensor is limited to {Array.MaxLength} bytes.");
        }

        return count;
    }

    private void CheckInputsComplete()
    {
        foreach (BoundTensor input in _inputs)
        {
            if (!input.HasShape)
            {
                throw new ModelInputException(input.Name, $"Input '{input.Name}' {input.Info.ShapeText} was not set before Run.");
            }
        }

        // Inputs that share a symbol (input_ids and attention_mask both [batch, sequence]) must agree on it;
        // ONNX Runtime would fail later with a message about some inner node instead.
        for (int a = 0; a < _inputs.Length; a++)
        {
            TensorInfo infoA = _inputs[a].Info;
            for (int da = 0; da < infoA.Rank; da++)
            {
                string? symbol = infoA.Shape[da].Symbol;
                if (symbol is null)
                {
                    continue;
                }

                for (int b = a + 1; b < _inputs.Length; b++)
                {
                    TensorInfo infoB = _inputs[b].Info;
                    for (int db = 0; db < infoB.Rank; db++)
                    {
                        if (infoB.Shape[db].Symbol == symbol && _inputs[a].Shape[da] != _inputs[b].Shape[db])
                        {
                            throw new ModelInputException(infoB.Name,
                                $"Inputs '{infoA.Name}' and '{infoB.Name}' disagree on dimension '{symbol}': {_inputs[a].Shape[da]} vs {_inputs[b].Shape[db]}.");
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Finds (or creates and binds) the cache entry of the current input shapes. Entries hold references on their
    /// variants, so a cached combination finds its inputs' buffers and OrtValues still bound in its own IoBinding:
    /// switching back to it allocates nothing.
    /// </summary>
    private ShapeCache.Entry SelectEntry()
    {
        CheckInputsComplete();
        ShapeCache.Entry entry = _cache.Find() ?? _cache.Add(_session);
        _entry = entry;
        return entry;
    }

    /// <summary>
    /// Makes each output's pre-allocated variant in <paramref name="entry"/> the one <see cref="GetOutput{T}"/>
    /// reads after the run; an output ORT allocates shows nothing until the run produced it (CollectOrtOutputs).
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
        long[][]? learned = _learned.Find(_inputs);
        entry.HasOrtOutputs = false;
        for (int i = 0; i < _outputs.Length; i++)
        {
            BoundTensor output = _outputs[i];
            long[]? shape = output.Info.ElementType == ElementType.String || output.ShapeIsDataDependent
                ? null
                : ShapeFromSymbols(output.Info) ?? learned?[i];
            if (shape is null)
            {
                entry.SetOutput(i, null);
                entry.HasOrtOutputs = true;
                entry.Binding.BindOutputToDevice(output.Name, OrtMemoryInfo.DefaultInstance);
                continue;
            }

            TensorVariant variant = output.Acquire(shape, Product(shape));
            if (!ReferenceEquals(entry.Outputs[i], variant))
            {
                entry.SetOutput(i, variant);
                entry.Binding.BindOutput(output.Name, variant.Value);
            }
        }

        entry.OutputsNeedResolving = false;
    }

    private long[]? ShapeFromSymbols(TensorInfo output)
    {
        var shape = new long[output.Rank];
        for (int d = 0; d < shape.Length; d++)
        {
            Dimension dim = output.Shape[d];
            if (dim.IsFixed)
            {
                shape[d] = dim.Value;
            }
            else if (dim.Symbol is null || !TryFindSymbol(dim.Symbol, out shape[d]))
            {
                return null;
            }
        }

        return shape;
    }

    private bool TryFindSymbol(string symbol, out long value)
    {
        foreach (BoundTensor input in _inputs)
        {
            IReadOnlyList<Dimension> declared = input.Info.Shape;
            for (int d = 0; d < declared.Count; d++)
            {
                if (declared[d].Symbol == symbol)
                {
                    value = input.Shape[d];
                    return true;
                }
            }
        }

        value = 0;
        return false;
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
    /// <see cref="SetStringInput"/>, and a CUDA binding copies host inputs at bind time: those are bound before each run.
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
                output.SetOrtOwned(value, shape, Product(shape), ownsValue: false); // _ortOutputs disposes it
                allLearnable &= output.Info.ElementType != ElementType.String && !output.ShapeIsDataDependent;
                shapes[i] = shape;
            }
            else
            {
                shapes[i] = (long[])output.Shape.Clone();
            }
        }

        if (allLearnable)
        {
            _learned.Remember(_inputs, shapes);
            ResolveOutputs(entry);
            _cache.Trim(entry);
        }
    }

    /// <summary>
    /// A learned output shape was wrong (the output's shape depends on input values, not only input shapes):
    /// mark such outputs as data-dependent and let ORT allocate them from now on.
    /// </summary>
    private bool RetryWithoutLearnedShapes(ShapeCache.Entry entry)
    {
        bool changed = false;
        for (int i = 0; i < _outputs.Length; i++)
        {
            BoundTensor output = _outputs[i];
            if (entry.Outputs[i] is not null && !output.ShapeIsDataDependent && ShapeFromSymbols(output.Info) is null)
            {
                output.ShapeIsDataDependent = true;
                changed = true;
            }
        }

        if (changed)
        {
            _learned.Forget();
            _cache.ResolveAllAgain();
            ResolveOutputs(entry);
        }

        return changed;
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

    private static IntPtr OutputPointer(BoundTensor output)
    {
        EnsureRan(output);
        TensorVariant current = output.Current!;
        if (!current.IsPooled)
        {
            Span<byte> raw = current.Value.GetTensorMutableRawData();
            return (IntPtr)Unsafe.AsPointer(ref MemoryMarshal.GetReference(raw));
        }

        return current.Buffer.Pointer;
    }

    private static void EnsureRan(BoundTensor output)
    {
        if (!output.HasShape || output.Value is null)
        {
            throw new InvalidOperationException($"Output '{output.Name}' is not available: call Run first.");
        }
    }

    private static long Product(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (long d in shape)
        {
            count *= d;
        }

        return count;
    }

    internal static string FormatShape(ReadOnlySpan<long> shape)
    {
        var parts = new string[shape.Length];
        for (int i = 0; i < shape.Length; i++)
        {
            parts[i] = shape[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return "[" + string.Join(", ", parts) + "]";
    }
}
