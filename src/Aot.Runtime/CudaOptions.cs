namespace Aot.Runtime;

/// <summary>Options of the CUDA execution provider; ignored when a model runs on the CPU.</summary>
public sealed record class CudaOptions
{
    /// <summary>
    /// <c>cudnn_conv_algo_search</c>: EXHAUSTIVE re-tunes for every new input shape (bad with dynamic
    /// batches), HEURISTIC picks at once, DEFAULT uses cuDNN's default algorithm. Case-insensitive.
    /// </summary>
    /// <exception cref="ArgumentException">The value is none of the three.</exception>
    public string ConvAlgoSearch
    {
        get;
        init => field = NormalizeConvAlgoSearch(value);
    } = "HEURISTIC";

    /// <summary><c>do_copy_in_default_stream</c>: copies on the compute stream, which avoids a sync.</summary>
    public bool CopyInDefaultStream { get; init; } = true;

    /// <summary>
    /// <c>enable_cuda_graph</c>: capture and replay the whole graph. Only for models whose inputs all have fixed
    /// shapes (loading any other model with this set fails, naming the input), and runs are serialised.
    /// </summary>
    public bool EnableCudaGraph { get; init; }

    /// <summary>
    /// <c>use_tf32</c>: lets float32 matrix products and convolutions use TF32 tensor cores (ONNX Runtime's default;
    /// faster, about 1e-3 relative error). Off gives IEEE float32 results that match the CPU closely.
    /// </summary>
    public bool UseTf32 { get; init; } = true;

    /// <summary><c>gpu_mem_limit</c> in bytes for ONNX Runtime's CUDA arena; null leaves ORT's default (no limit).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public long? GpuMemoryLimitBytes
    {
        get;
        init => field = value is null or > 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(GpuMemoryLimitBytes), value, "The GPU memory limit must be more than 0 bytes.");
    }

    private static string NormalizeConvAlgoSearch(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        string upper = value.Trim().ToUpperInvariant();
        return upper is "EXHAUSTIVE" or "HEURISTIC" or "DEFAULT"
            ? upper
            : throw new ArgumentException($"cudnn_conv_algo_search must be EXHAUSTIVE, HEURISTIC or DEFAULT, not '{value}'.", nameof(ConvAlgoSearch));
    }
}
