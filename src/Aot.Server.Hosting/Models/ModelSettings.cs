using System.Globalization;
using Aot.Runtime;
using Aot.Server.Batching;

namespace Aot.Server.Models;

/// <summary>
/// The effective per-model settings: a command-line flag if given, else the model's <c>config.json</c>, else the
/// default (the initial values here). One model's settings never touch another's. The keys and their meaning:
/// docs/configuration.md; the file's schema: docs/config.schema.json.
/// </summary>
internal sealed record class ModelSettings
{
    public static ModelSettings Default { get; } = new();

    /// <summary>The config file the settings came from, or null when the model has none.</summary>
    public string? ConfigPath { get; init; }

    /// <summary><c>cpu</c>, <c>cuda</c>, <c>cuda:N</c> or <c>auto</c>.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>ONNX Runtime intra-op threads per session; 0 = one per physical core.</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>ONNX Runtime inter-op threads (parallel branches of the graph); 0 = ONNX Runtime's default.</summary>
    public int InterOpThreads { get; init; }

    /// <summary>Batch workers, each with its own runner (session run state) and buffers.</summary>
    public int Workers { get; init; } = 1;

    public int MaxBatch { get; init; } = 32;

    public int MaxDelayMicros { get; init; }

    public int MaxQueue { get; init; } = 1024;

    public bool PadSequences { get; init; }

    /// <summary>Padded tokens per batch; null: the device's default (<see cref="BatcherOptions.ForDevice"/>).</summary>
    public long? MaxBatchTokens { get; init; }

    /// <summary>Idle time after a burst before the model's workers give back their arena growth (ms); 0 = keep it. Server-wide.</summary>
    public int ReleaseMemoryAfterIdleMs { get; init; } = 2000;

    public GraphOptimization OptimizationLevel { get; init; } = GraphOptimization.All;

    /// <summary><c>on</c>, <c>off</c>, or <c>auto</c> (off for text models only).</summary>
    public string CpuArena { get; init; } = "on";

    /// <summary>Run each worker once on zeros before the model is ready (first real requests then pay no set-up).</summary>
    public bool Warmup { get; init; } = true;

    public bool InlineLoneRequests { get; init; } = true;

    /// <summary>Which version folders serve (null: <c>--version-policy</c>); see <see cref="Models.VersionSelection"/>.</summary>
    public VersionPolicy? VersionPolicy { get; init; }

    public BatcherOptions ToBatcherOptions() => new()
    {
        MaxBatchRows = Math.Max(1, MaxBatch),
        MaxDelay = TimeSpan.FromMicroseconds(Math.Max(0, MaxDelayMicros)),
        MaxQueue = Math.Max(1, MaxQueue),
        Workers = Math.Max(1, Workers),
        PadSequences = PadSequences,
        MaxBatchTokens = MaxBatchTokens is { } tokens ? Math.Max(0, tokens) : null,
        ReleaseMemoryAfterIdle = TimeSpan.FromMilliseconds(Math.Max(0, ReleaseMemoryAfterIdleMs)),
        InlineLoneRequests = InlineLoneRequests,
    };

    /// <summary>This model's session options over the server-wide ones (CUDA options, log).</summary>
    public ModelOptions ToModelOptions(ModelOptions serverWide, bool textModel)
    {
        (DeviceKind kind, int id) = ModelOptions.ParseDevice(Device);
        return serverWide with
        {
            Device = kind,
            DeviceId = id,
            IntraOpThreads = Math.Max(0, IntraOpThreads),
            InterOpThreads = Math.Max(0, InterOpThreads),
            Optimization = OptimizationLevel,
            // Text models see bursts of long sequences whose intermediates an arena would keep for good.
            CpuMemoryArena = CpuArena switch
            {
                "on" => true,
                "off" => false,
                _ => !textModel,
            },
        };
    }

    /// <summary>The one log line of a model's effective settings (start-up).</summary>
    public string Describe()
    {
        string policy = VersionPolicy is null ? "" : " version_policy=" + VersionPolicy;
        return string.Create(CultureInfo.InvariantCulture,
            $"device={Device} intra_op_threads={IntraOpThreads} inter_op_threads={InterOpThreads} workers={Workers} max_batch={MaxBatch} max_delay_us={MaxDelayMicros} max_queue={MaxQueue} pad_sequences={Lower(PadSequences)} max_batch_tokens={(MaxBatchTokens is { } tokens ? tokens.ToString(CultureInfo.InvariantCulture) : "auto")} optimization_level={ModelConfigFile.OptimizationName(OptimizationLevel)} cpu_arena={CpuArena} warmup={Lower(Warmup)} inline_lone_requests={Lower(InlineLoneRequests)}{policy} (config: {ConfigPath ?? "none"})");
    }

    private static string Lower(bool value) => value ? "true" : "false";
}
