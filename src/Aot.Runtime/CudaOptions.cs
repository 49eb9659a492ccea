namespace Aot.Runtime;

/// <summary>Options of the CUDA execution provider; ignored when a model runs on the CPU.</summary>
public sealed record class CudaOptions
{
    /// <summary>
    /// <c>cudnn_conv_algo_search</c>: EXHAUSTIVE re-tunes for every new input shape (bad with dynamic
    /// batches), HEURISTIC picks at once, DEFAULT uses cuDNN's default algorithm.
    /// </summary>
    public string ConvAlgoSearch { get; init; } = "HEURISTIC";

    /// <summary><c>do_copy_in_default_stream</c>: copies on the compute stream, which avoids a sync.</summary>
    public bool CopyInDefaultStream { get; init; } = true;

    /// <summary>
    /// <c>enable_cuda_graph</c>: capture and replay the whole graph. Only for fixed shapes and stable
    /// buffer addresses (the runner keeps both while shapes do not change); runs are serialised.
    /// </summary>
    public bool EnableCudaGraph { get; init; }

    /// <summary><c>gpu_mem_limit</c> in bytes for ONNX Runtime's CUDA arena; null leaves ORT's default.</summary>
    public long? GpuMemoryLimitBytes { get; init; }
}
