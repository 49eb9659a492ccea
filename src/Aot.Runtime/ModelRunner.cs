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
    private readonly BoundTensor[] _inputs;
    private readonly BoundTensor[] _outputs;
    private readonly IoBindingManager _bindings;
    private readonly IHostBufferSource _buffers;
    private bool _disposed;

    internal ModelRunner(OnnxModel model)
        : this(InputValidator.EnsureBindable(model), model.Device == DeviceKind.Cuda && model.Options.Cuda.PinnedHostBuffers ? new CudaPinnedHostBuffers(model.Session, model.DeviceId) : PooledHostBuffers.Instance)
    {
    }

    /// <summary>Takes ownership of <paramref name="buffers"/>; tests pass a counting source to check that every buffer comes back.</summary>
    internal ModelRunner(OnnxModel model, IHostBufferSource buffers)
    {
        _model = InputValidator.EnsureBindable(model);
        ModelMetadata metadata = model.Metadata;
        _buffers = buffers;
        _inputs = metadata.Inputs.Select(i => new BoundTensor(i, _buffers)).ToArray();
        _outputs = metadata.Outputs.Select(o => new BoundTensor(o, _buffers)).ToArray();
        _bindings = new IoBindingManager(model, _inputs, _outputs);
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
        InputValidator.CheckElementType<T>(input, "Input", "accessed");
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

        long count = InputValidator.ValidateShape(input.Info, shape);
        if (count != values.Length)
        {
            throw new ModelInputException(input.Name, $"Input '{input.Name}' with shape {InputValidator.FormatShape(shape)} needs {count} strings but got {values.Length}.");
        }

        long[] shapeArray = shape.ToArray();
        OrtValue value = OrtValue.CreateTensorWithEmptyStrings(OrtAllocator.DefaultInstance, shapeArray);
        for (int i = 0; i < values.Length; i++)
        {
            value.StringTensorSetElementAt(values[i].AsSpan(), i);
        }

        if (!input.ShapeEquals(shape))
        {
            _bindings.InputShapeChanged();
        }

        input.SetOrtOwned(value, shape, count, ownsValue: true); // bound before every run (IoBindingManager.BindInputs)
    }

    /// <summary>Runs the model on the current inputs. Allocation-free in steady state (see the class remarks).</summary>
    /// <exception cref="ModelInputException">An input was never set, or inputs disagree on a shared symbolic dimension.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime failed while running the graph.</exception>
    public void Run()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _bindings.Run();
    }

    /// <summary>
    /// Runs the model like <see cref="Run"/>, then returns to the system the memory ONNX Runtime's arenas grew to
    /// beyond their first region (the CPU arena, and the GPU one on CUDA), which they otherwise keep for the life of
    /// the model. Meant for the end of a burst of large batches — a server calls it on a small input once the model
    /// has been idle — not for every run: the next large run grows the arena again, paying page faults.
    /// </summary>
    /// <exception cref="ModelInputException">An input was never set, or inputs disagree on a shared symbolic dimension.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime failed while running the graph.</exception>
    public void RunAndReleaseMemory()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _bindings.RunAndShrinkArenas();
    }

    /// <summary>Number of input-shape combinations this runner holds bound (tests).</summary>
    internal int CachedShapeCount => _bindings.CachedShapeCount;

    /// <summary>Capacity of the native buffers this runner holds (tests).</summary>
    internal long CachedBytes => _bindings.CachedBytes;

    /// <summary>Output <paramref name="index"/> of the last run as a span of <typeparamref name="T"/>; valid until the next run.</summary>
    public ReadOnlySpan<T> GetOutput<T>(int index) where T : unmanaged
    {
        BoundTensor output = Output(index);
        InputValidator.CheckElementType<T>(output, "Output", "read");
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
        _bindings.Dispose();
        foreach (BoundTensor tensor in _inputs)
        {
            tensor.Dispose();
        }

        foreach (BoundTensor tensor in _outputs)
        {
            tensor.Dispose();
        }

        (_buffers as IDisposable)?.Dispose();
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

        long count = InputValidator.ValidateShape(input.Info, shape);
        input.Select(shape, count);
        _bindings.InputShapeChanged();
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
}
