using Aot.Runtime;

namespace Aot.Server.Models;

/// <summary>
/// What one model's <c>config.json</c> says (<see cref="ModelConfigFile"/> reads it): every member is null when the file
/// does not give it, so a command-line flag or the default decides (<see cref="Hosting.ServerOptions.SettingsFor"/>).
/// </summary>
internal sealed record class ModelConfig
{
    /// <summary>The file it was read from (named in start-up errors and logs).</summary>
    public string? Path { get; init; }

    public string? Device { get; init; }

    public int? IntraOpThreads { get; init; }

    public int? InterOpThreads { get; init; }

    public int? Workers { get; init; }

    public int? MaxBatch { get; init; }

    public int? MaxDelayMicros { get; init; }

    public int? MaxQueue { get; init; }

    public bool? PadSequences { get; init; }

    public long? MaxBatchTokens { get; init; }

    public GraphOptimization? OptimizationLevel { get; init; }

    public string? CpuArena { get; init; }

    public bool? Warmup { get; init; }

    public bool? InlineLoneRequests { get; init; }

    public TextConfig? Text { get; init; }

    public VersionPolicy? VersionPolicy { get; init; }
}
