using Microsoft.ML.OnnxRuntime;

namespace Aot.Runtime;

/// <summary>
/// The process-wide ONNX Runtime environment. A global thread pool can only be chosen when the environment is
/// created, so the first model that asks for one creates it; a later request with other settings is an error
/// rather than being silently ignored.
/// </summary>
internal static class OrtEnvironment
{
    private static readonly Lock s_gate = new();
    private static (int Intra, int Inter, bool Spin)? s_globalPool;

    public static OrtEnv Get(ModelOptions options)
    {
        lock (s_gate)
        {
            if (!options.UseGlobalThreadPool)
            {
                return OrtEnv.Instance();
            }

            var wanted = (options.IntraOpThreads, options.InterOpThreads, options.AllowSpinning);
            if (s_globalPool is { } existing)
            {
                if (existing != wanted)
                {
                    throw new InvalidOperationException(
                        $"The global thread pool already exists with intra={existing.Intra}, inter={existing.Inter}, spinning={existing.Spin}; " +
                        $"a model asked for intra={wanted.IntraOpThreads}, inter={wanted.InterOpThreads}, spinning={wanted.AllowSpinning}. Use the same settings for every model that shares it.");
                }

                return OrtEnv.Instance();
            }

            if (OrtEnv.IsCreated)
            {
                throw new InvalidOperationException(
                    "A global thread pool must be requested by the first model loaded in the process; ONNX Runtime's environment already exists without one.");
            }

            using var threading = new OrtThreadingOptions
            {
                GlobalIntraOpNumThreads = options.IntraOpThreads,
                GlobalInterOpNumThreads = options.InterOpThreads,
                GlobalSpinControl = options.AllowSpinning,
            };
            var creation = new EnvironmentCreationOptions { logId = "aot", logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING, threadOptions = threading };
            OrtEnv env = OrtEnv.CreateInstanceWithOptions(ref creation);
            s_globalPool = wanted;
            return env;
        }
    }
}
