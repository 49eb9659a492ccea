using System.Collections.Concurrent;

namespace Aot.Server.Metrics;

/// <summary>
/// What the model lifecycle exports: per version its state (one of <see cref="States"/>) and load time, read from the
/// repository at scrape time, and load failures counted here as they happen.
/// </summary>
internal sealed class LifecycleMetrics
{
    private readonly ConcurrentDictionary<(string Model, string Version), long> _failures = new();

    /// <summary>The values of the <c>state</c> label of <c>aot_model_state</c>.</summary>
    public static IReadOnlyList<string> States { get; } = ["LOADING", "READY", "UNLOADING", "UNAVAILABLE"];

    /// <summary>The versions known right now (set by the server: the repository's index).</summary>
    public Func<IReadOnlyList<VersionGauge>> Versions { get; set; } = static () => [];

    public void RecordLoadFailure(string model, string version) => _failures.AddOrUpdate((model, version), 1, static (_, n) => n + 1);

    public IReadOnlyList<KeyValuePair<(string Model, string Version), long>> LoadFailures() =>
        [.. _failures.OrderBy(static f => f.Key.Model, StringComparer.Ordinal).ThenBy(static f => f.Key.Version, StringComparer.Ordinal)];

    /// <summary>One version's state (one of <see cref="States"/>) and, once loaded, its load time in seconds.</summary>
    public sealed record class VersionGauge(string Model, string Version, string State, double? LoadSeconds);
}
