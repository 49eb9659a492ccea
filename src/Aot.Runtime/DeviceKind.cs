namespace Aot.Runtime;

/// <summary>Where a model runs.</summary>
public enum DeviceKind
{
    /// <summary>ONNX Runtime's CPU execution provider.</summary>
    Cpu,
    /// <summary>ONNX Runtime's CUDA execution provider; failing to start it is an error.</summary>
    Cuda,
    /// <summary>CUDA when it can start, otherwise CPU with the reason logged.</summary>
    Auto,
}
