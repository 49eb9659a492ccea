using Microsoft.ML.OnnxRuntime;
using OrtElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace Aot.Runtime;

/// <summary>
/// A loaded model: one ONNX Runtime session, shared by every caller. Thread-safe. Per-caller state (buffers,
/// bindings) lives in <see cref="ModelRunner"/>s made by <see cref="CreateRunner"/>, one per thread or worker.
/// </summary>
public sealed class OnnxModel : IDisposable
{
    private readonly InferenceSession _session;
    private int _disposed;

    private OnnxModel(string source, ModelOptions options, SessionFactory.Opened opened)
    {
        Source = source;
        Options = options;
        _session = opened.Session;
        Device = opened.Device;
        DeviceId = opened.Device == DeviceKind.Cuda ? options.DeviceId : 0;
        DeviceFallbackReason = opened.FallbackReason;
        Metadata = ReadMetadata(_session);
    }

    /// <summary>The model's path, or the name given to an in-memory model.</summary>
    public string Source { get; }

    /// <summary>The options the model was loaded with.</summary>
    public ModelOptions Options { get; }

    /// <summary>Inputs, outputs and descriptive metadata.</summary>
    public ModelMetadata Metadata { get; }

    /// <summary>The device the model actually runs on (never <see cref="DeviceKind.Auto"/>).</summary>
    public DeviceKind Device { get; }

    /// <summary>CUDA device ordinal when <see cref="Device"/> is CUDA.</summary>
    public int DeviceId { get; }

    /// <summary>Why <see cref="DeviceKind.Auto"/> fell back to the CPU; null otherwise.</summary>
    public string? DeviceFallbackReason { get; }

    internal InferenceSession Session
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return _session;
        }
    }

    /// <summary>Loads a model file.</summary>
    /// <exception cref="ModelLoadException">The file is missing, unreadable or not a valid model; the message names it.</exception>
    public static OnnxModel Load(string path, ModelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= ModelOptions.Default;
        if (!File.Exists(path))
        {
            throw new ModelLoadException(path, Directory.Exists(path)
                ? $"Model path '{path}' is a directory, not an .onnx file."
                : $"Model file '{path}' was not found.");
        }

        return Open(path, new SessionFactory.ModelSource(path, path, null), options);
    }

    /// <summary>Loads a model from memory (for example one embedded in the program).</summary>
    /// <param name="model">The bytes of an .onnx file.</param>
    /// <param name="options">Load options.</param>
    /// <param name="sourceName">A name for messages and metrics.</param>
    public static OnnxModel Load(byte[] model, ModelOptions? options = null, string sourceName = "<memory>")
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= ModelOptions.Default;
        if (model.Length == 0)
        {
            throw new ModelLoadException(sourceName, $"Model '{sourceName}' is empty (0 bytes).");
        }

        return Open(sourceName, new SessionFactory.ModelSource(sourceName, null, model), options);
    }

    /// <summary>Creates a runner: the reusable, single-threaded state one caller needs to run this model.</summary>
    public ModelRunner CreateRunner() => new(this);

    /// <summary>Releases the session. Runners must not be used afterwards.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _session.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"{Source} ({Device})";

    private static OnnxModel Open(string name, SessionFactory.ModelSource source, ModelOptions options)
    {
        SessionFactory.Opened opened;
        try
        {
            opened = SessionFactory.Open(source, options);
        }
        catch (OnnxRuntimeException ex)
        {
            throw new ModelLoadException(name, $"Cannot load model '{name}': {ex.Message}", ex);
        }

        try
        {
            var model = new OnnxModel(name, options, opened);
            if (options.Cuda.EnableCudaGraph && options.Device != DeviceKind.Cpu
                && CudaProvider.WhyCudaGraphCannotRun(model.Metadata, name) is { } reason)
            {
                // Also when auto fell back to the CPU: the same flags must not work on one machine and fail on the next.
                throw new ModelLoadException(name, reason);
            }

            return model;
        }
        catch
        {
            opened.Session.Dispose();
            throw;
        }
    }

    private static ModelMetadata ReadMetadata(InferenceSession session)
    {
        TensorInfo[] inputs = ReadTensors(session.InputNames, session.InputMetadata);
        TensorInfo[] outputs = ReadTensors(session.OutputNames, session.OutputMetadata);
        Microsoft.ML.OnnxRuntime.ModelMetadata meta = session.ModelMetadata;
        return new ModelMetadata(
            inputs,
            outputs,
            NullIfEmpty(meta.ProducerName),
            NullIfEmpty(meta.GraphName),
            NullIfEmpty(meta.Domain),
            NullIfEmpty(meta.Description) ?? NullIfEmpty(meta.GraphDescription),
            meta.Version == long.MaxValue ? 0 : meta.Version, // ORT reports an unset model_version as long.MaxValue
            new Dictionary<string, string>(meta.CustomMetadataMap, StringComparer.Ordinal));
    }

    private static TensorInfo[] ReadTensors(IReadOnlyList<string> names, IReadOnlyDictionary<string, NodeMetadata> metadata)
    {
        var result = new TensorInfo[names.Count];
        for (int i = 0; i < names.Count; i++)
        {
            NodeMetadata node = metadata[names[i]];
            bool isTensor = node.OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR;
            Dimension[] shape = [];
            ElementType elementType = ElementType.Undefined;
            if (isTensor)
            {
                elementType = FromOrt(node.ElementDataType);
                shape = new Dimension[node.Dimensions.Length];
                for (int d = 0; d < shape.Length; d++)
                {
                    int size = node.Dimensions[d];
                    shape[d] = size >= 0 ? Dimension.Fixed(size) : Dimension.Dynamic(node.SymbolicDimensions[d]);
                }
            }

            result[i] = new TensorInfo(i, names[i], elementType, shape, isTensor, description: null);
        }

        return result;
    }

    internal static ElementType FromOrt(OrtElementType type) => (ElementType)(int)type;

    internal static OrtElementType ToOrt(ElementType type) => (OrtElementType)(int)type;

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
