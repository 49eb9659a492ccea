using Microsoft.ML.OnnxRuntime;

namespace Aot.Runtime;

/// <summary>Turns <see cref="ModelOptions"/> into an ONNX Runtime session on the resolved device.</summary>
internal static class SessionFactory
{
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
                string? unavailable = CudaProvider.WhyUnavailable();
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
                    throw new ModelLoadException(source.Name, $"Cannot start the CUDA execution provider on cuda:{options.DeviceId} for '{source.Name}': {ex.Message.TrimEnd()}{CudaProvider.DescribeMissingLibraries()}", ex);
                }

            default:
                string? reason = CudaProvider.WhyUnavailable();
                if (reason is null)
                {
                    try
                    {
                        return new Opened(OpenOn(source, options, DeviceKind.Cuda), DeviceKind.Cuda, null);
                    }
                    catch (OnnxRuntimeException ex)
                    {
                        reason = "the CUDA execution provider failed to start: " + ex.Message.TrimEnd() + CudaProvider.DescribeMissingLibraries();
                    }
                }

                options.Log?.Invoke($"device auto: using CPU for '{source.Name}' because {reason}");
                return new Opened(OpenOn(source, options, DeviceKind.Cpu), DeviceKind.Cpu, reason);
        }
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
                cuda.UpdateOptions(CudaProvider.ProviderOptions(options));
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

    private static GraphOptimizationLevel ToOrt(GraphOptimization level) => level switch
    {
        GraphOptimization.None => GraphOptimizationLevel.ORT_DISABLE_ALL,
        GraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
        GraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
    };
}
