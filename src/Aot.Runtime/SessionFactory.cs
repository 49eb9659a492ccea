using System.Globalization;
using Microsoft.ML.OnnxRuntime;

namespace Aot.Runtime;

/// <summary>Turns <see cref="ModelOptions"/> into an ONNX Runtime session on the resolved device.</summary>
internal static class SessionFactory
{
    private const string CudaProviderName = "CUDAExecutionProvider";
    private const string CudaProviderLibrary = "libonnxruntime_providers_cuda.so";

    public readonly record struct Opened(InferenceSession Session, DeviceKind Device, string? FallbackReason);

    /// <summary>Where the model comes from: a file, or bytes with a name for messages.</summary>
    public readonly record struct ModelSource(string Name, string? Path, byte[]? Bytes);

    public static Opened Open(ModelSource source, ModelOptions options)
    {
        OrtEnvironment.Get(options);
        switch (options.Device)
        {
            case DeviceKind.Cpu:
                return new Opened(OpenOn(source, options, DeviceKind.Cpu), DeviceKind.Cpu, null);

            case DeviceKind.Cuda:
                string? unavailable = WhyCudaIsUnavailable();
                if (unavailable is not null)
                {
                    throw new ModelLoadException(source.Name, $"Cannot load '{source.Name}' on cuda:{options.DeviceId}: {unavailable}");
                }

                try
                {
                    return new Opened(OpenOn(source, options, DeviceKind.Cuda), DeviceKind.Cuda, null);
                }
                catch (OnnxRuntimeException ex)
                {
                    throw new ModelLoadException(source.Name, $"Cannot start the CUDA execution provider on cuda:{options.DeviceId} for '{source.Name}': {ex.Message.TrimEnd()}{DescribeMissingCudaLibraries()}", ex);
                }

            default:
                string? reason = WhyCudaIsUnavailable();
                if (reason is null)
                {
                    try
                    {
                        return new Opened(OpenOn(source, options, DeviceKind.Cuda), DeviceKind.Cuda, null);
                    }
                    catch (OnnxRuntimeException ex)
                    {
                        reason = "the CUDA execution provider failed to start: " + ex.Message.TrimEnd() + DescribeMissingCudaLibraries();
                    }
                }

                options.Log?.Invoke($"device auto: using CPU for '{source.Name}' because {reason}");
                return new Opened(OpenOn(source, options, DeviceKind.Cpu), DeviceKind.Cpu, reason);
        }
    }

    /// <summary>Null when the CUDA provider can be tried; otherwise why not, in words a user can act on.</summary>
    internal static string? WhyCudaIsUnavailable()
    {
        if (!OrtEnv.Instance().GetAvailableProviders().Contains(CudaProviderName))
        {
            return "this ONNX Runtime build has no CUDA execution provider.";
        }

        string[] folders = NativeLibraryFolders();
        if (!folders.Any(f => File.Exists(Path.Combine(f, CudaProviderLibrary))))
        {
            return $"{CudaProviderLibrary} is not next to libonnxruntime.so (looked in {string.Join(", ", folders)}); build or publish with -p:AotIncludeCudaProvider=true.";
        }

        return null;
    }

    /// <summary>
    /// ORT only says the provider library failed to load; the usual cause is a CUDA or cuDNN library the loader
    /// cannot find, so name those.
    /// </summary>
    private static string DescribeMissingCudaLibraries()
    {
        string[] missing = CudaRuntimeLibraries.Where(name => !CanLoad(name)).ToArray();
        return missing.Length == 0
            ? string.Empty
            : $" (not found by the loader: {string.Join(", ", missing)}; the provider needs the CUDA 13 runtime, cuBLAS and cuDNN 9 — install them or put their lib folders on LD_LIBRARY_PATH)";
    }

    private static readonly string[] CudaRuntimeLibraries = ["libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libcudnn.so.9"];

    private static bool CanLoad(string library)
    {
        if (!System.Runtime.InteropServices.NativeLibrary.TryLoad(library, out IntPtr handle))
        {
            return false;
        }

        System.Runtime.InteropServices.NativeLibrary.Free(handle);
        return true;
    }

    private static string[] NativeLibraryFolders()
    {
        string baseDir = AppContext.BaseDirectory;
        return [baseDir, Path.Combine(baseDir, "runtimes", "linux-x64", "native")];
    }

    private static InferenceSession OpenOn(ModelSource source, ModelOptions options, DeviceKind device)
    {
        OptimizedModelCache? cache = null;
        if (options.OptimizedModelCachePath is { } cachePath)
        {
            cache = source.Path is not null
                ? OptimizedModelCache.ForFile(cachePath, source.Path, options, device)
                : OptimizedModelCache.ForBytes(cachePath, source.Bytes!, options, device);
        }

        bool useCache = cache?.IsValid() == true;
        using SessionOptions sessionOptions = CreateSessionOptions(options, device, optimize: !useCache);
        if (useCache)
        {
            return new InferenceSession(cache!.CachePath, sessionOptions);
        }

        if (cache is not null)
        {
            cache.PrepareRebuild();
            sessionOptions.OptimizedModelFilePath = cache.CachePath;
        }

        InferenceSession session = source.Path is not null
            ? new InferenceSession(source.Path, sessionOptions)
            : new InferenceSession(source.Bytes!, sessionOptions);
        cache?.Commit();
        return session;
    }

    private static SessionOptions CreateSessionOptions(ModelOptions options, DeviceKind device, bool optimize)
    {
        var so = new SessionOptions();
        try
        {
            so.LogId = "aot";
            // Run failures come back as exceptions carrying the same text; ORT printing them too would double every error.
            so.LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
            so.GraphOptimizationLevel = optimize ? ToOrt(options.Optimization) : GraphOptimizationLevel.ORT_DISABLE_ALL;
            so.EnableCpuMemArena = options.CpuMemoryArena;
            if (options.UseGlobalThreadPool)
            {
                so.DisablePerSessionThreads();
            }
            else
            {
                so.IntraOpNumThreads = options.IntraOpThreads;
                so.InterOpNumThreads = options.InterOpThreads;
                string spin = options.AllowSpinning ? "1" : "0";
                so.AddSessionConfigEntry("session.intra_op.allow_spinning", spin);
                so.AddSessionConfigEntry("session.inter_op.allow_spinning", spin);
            }

            if (options.InterOpThreads > 1)
            {
                so.ExecutionMode = ExecutionMode.ORT_PARALLEL;
            }

            if (device == DeviceKind.Cuda)
            {
                using var cuda = new OrtCUDAProviderOptions();
                cuda.UpdateOptions(CudaProviderOptions(options));
                so.AppendExecutionProvider_CUDA(cuda);
            }

            return so;
        }
        catch
        {
            so.Dispose();
            throw;
        }
    }

    internal static Dictionary<string, string> CudaProviderOptions(ModelOptions options)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["device_id"] = options.DeviceId.ToString(CultureInfo.InvariantCulture),
            ["cudnn_conv_algo_search"] = options.Cuda.ConvAlgoSearch,
            ["do_copy_in_default_stream"] = options.Cuda.CopyInDefaultStream ? "1" : "0",
            ["enable_cuda_graph"] = options.Cuda.EnableCudaGraph ? "1" : "0",
        };
        if (options.Cuda.GpuMemoryLimitBytes is { } limit)
        {
            map["gpu_mem_limit"] = limit.ToString(CultureInfo.InvariantCulture);
        }

        return map;
    }

    private static GraphOptimizationLevel ToOrt(GraphOptimization level) => level switch
    {
        GraphOptimization.None => GraphOptimizationLevel.ORT_DISABLE_ALL,
        GraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
        GraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
    };
}
