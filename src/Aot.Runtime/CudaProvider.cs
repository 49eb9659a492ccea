using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace Aot.Runtime;

/// <summary>
/// What Aot.Runtime knows about ONNX Runtime's CUDA execution provider: whether it can be tried here, which
/// libraries it needs, the provider options a <see cref="ModelOptions"/> turns into, and the rule CUDA graphs
/// impose. Kept apart from session building so each piece can be tested on a machine without a GPU.
/// </summary>
internal static class CudaProvider
{
    public const string ProviderName = "CUDAExecutionProvider";
    public const string ProviderLibrary = "libonnxruntime_providers_cuda.so";
    public const string SharedProviderLibrary = "libonnxruntime_providers_shared.so";

    /// <summary>How to get the provider next to the binary; every message that finds it missing says so.</summary>
    public const string HowToInclude = "publish the cuda flavour (dotnet publish src/Aot.Server -c Release -p:AotFlavour=cuda) or build with -p:AotIncludeCudaProvider=true";

    /// <summary>
    /// What the provider library loads (its NEEDED entries in ORT 1.31, plus cuDNN, which it opens at run time):
    /// the driver's libcuda and the CUDA 13 runtime, cuBLAS, cuRAND and cuDNN 9.
    /// </summary>
    public static readonly string[] RuntimeLibraries =
        ["libcuda.so.1", "libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libcurand.so.10", "libcudnn.so.9"];

    /// <summary>Null when the CUDA provider can be tried; otherwise why not, in words a user can act on.</summary>
    public static string? WhyUnavailable()
    {
        if (!OrtEnvironment.Shared.GetAvailableProviders().Contains(ProviderName))
        {
            return "this ONNX Runtime build has no CUDA execution provider.";
        }

        string[] folders = NativeLibraryFolders();
        foreach (string library in (string[])[ProviderLibrary, SharedProviderLibrary])
        {
            if (!folders.Any(f => File.Exists(Path.Combine(f, library))))
            {
                return $"{library} is not next to libonnxruntime.so (looked in {string.Join(", ", folders)}); {HowToInclude}.";
            }
        }

        return null;
    }

    /// <summary>
    /// ORT only says the provider library failed to load; the usual cause is a CUDA or cuDNN library the loader
    /// cannot find, so name those.
    /// </summary>
    public static string DescribeMissingLibraries() => DescribeMissing(RuntimeLibraries.Where(name => !CanLoad(name)).ToArray());

    internal static string DescribeMissing(string[] missing) => missing.Length == 0
        ? string.Empty
        : $" (not found by the loader: {string.Join(", ", missing)}; the provider needs the NVIDIA driver, the CUDA 13 runtime, cuBLAS, cuRAND and cuDNN 9 — install them or put their lib folders on LD_LIBRARY_PATH)";

    /// <summary>The key/value options handed to <see cref="OrtCUDAProviderOptions.UpdateOptions"/>.</summary>
    public static Dictionary<string, string> ProviderOptions(ModelOptions options)
    {
        if (options.DeviceId < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.DeviceId, "The CUDA device id must be 0 or more.");
        }

        var map = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["device_id"] = options.DeviceId.ToString(CultureInfo.InvariantCulture),
            ["cudnn_conv_algo_search"] = options.Cuda.ConvAlgoSearch,
            ["do_copy_in_default_stream"] = options.Cuda.CopyInDefaultStream ? "1" : "0",
            ["enable_cuda_graph"] = options.Cuda.EnableCudaGraph ? "1" : "0",
            ["use_tf32"] = options.Cuda.UseTf32 ? "1" : "0",
        };
        if (options.Cuda.GpuMemoryLimitBytes is { } limit)
        {
            map["gpu_mem_limit"] = limit.ToString(CultureInfo.InvariantCulture);
        }

        return map;
    }

    /// <summary>
    /// A CUDA graph replays captured kernels on the addresses and shapes of the capture, so ORT accepts it only
    /// for inputs of fixed shape. Checked after loading, before the first run, so the message names the input
    /// instead of coming from a failed capture; null when the model qualifies.
    /// </summary>
    public static string? WhyCudaGraphCannotRun(ModelMetadata metadata, string source)
    {
        foreach (TensorInfo input in metadata.Inputs)
        {
            foreach (Dimension dimension in input.Shape)
            {
                if (!dimension.IsFixed)
                {
                    return $"CUDA graphs (enable_cuda_graph, --cuda-graph) need fixed input shapes, but input '{input.Name}' of '{source}' is {input.ShapeText}; turn CUDA graphs off or export the model with fixed shapes.";
                }
            }
        }

        return null;
    }

    private static bool CanLoad(string library)
    {
        if (!NativeLibrary.TryLoad(library, out IntPtr handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    }

    private static string[] NativeLibraryFolders()
    {
        string baseDir = AppContext.BaseDirectory;
        return [baseDir, Path.Combine(baseDir, "runtimes", "linux-x64", "native")];
    }
}
