using Microsoft.ML.OnnxRuntime;

namespace Aot.Runtime;

/// <summary>
/// The process-wide ONNX Runtime environment. A global thread pool can only be chosen when the environment is
/// created, so the first model that asks for one creates it; a later request with other settings is an error
/// rather than being silently ignored. Every use of the environment goes through here so that ONNX Runtime's
/// telemetry is off before the environment exists (<see cref="OrtTelemetry"/>; docs/security.md).
/// </summary>
internal static class OrtEnvironment
{
    private static readonly Lock s_gate = new();
    private static (int Intra, int Inter, bool Spin)? s_globalPool;
    private static bool s_telemetryDisabled;

    static OrtEnvironment() => OrtTelemetry.DisableBeforeEnvironmentCreation();

    /// <summary>The environment as it is (created with defaults if none exists yet), telemetry off.</summary>
    public static OrtEnv Shared
    {
        get
        {
            lock (s_gate)
            {
                return WithoutTelemetry(OrtEnv.Instance());
            }
        }
    }

    public static OrtEnv Get(ModelOptions options)
    {
        lock (s_gate)
        {
            if (!options.UseGlobalThreadPool)
            {
                return WithoutTelemetry(OrtEnv.Instance());
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

                return WithoutTelemetry(OrtEnv.Instance());
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
            return WithoutTelemetry(env);
        }
    }

    // The environment API's switch as well, for an environment created before this class ran (by other code in the process).
    private static OrtEnv WithoutTelemetry(OrtEnv env)
    {
        if (!s_telemetryDisabled)
        {
            env.DisableTelemetryEvents();
            s_telemetryDisabled = true;
        }

        return env;
    }
}
