using System.Collections.Concurrent;

namespace Aot.LoadGen.Soak.Faults;

/// <summary>Counts of fault attempts per kind and label (how the server answered). Thread-safe.</summary>
internal sealed class FaultTally
{
    private readonly ConcurrentDictionary<(string Kind, string Label, bool Expected), long> _counts = new();

    public void Record(string kind, FaultResult result) =>
        _counts.AddOrUpdate((kind, result.Label, result.Expected), 1, static (_, count) => count + 1);

    /// <summary>Every (kind, label) seen, with its count, by kind then count.</summary>
    public IReadOnlyList<FaultCount> Counts =>
        [.. _counts.Select(e => new FaultCount(e.Key.Kind, e.Key.Label, e.Key.Expected, e.Value)).OrderBy(c => c.Kind, StringComparer.Ordinal).ThenByDescending(c => c.Count)];

    /// <summary>Attempts of one kind.</summary>
    public long Attempts(string kind) => _counts.Where(e => e.Key.Kind == kind).Sum(e => e.Value);

    /// <summary>Attempts the server did not handle as it should.</summary>
    public long Unexpected => _counts.Where(e => !e.Key.Expected).Sum(e => e.Value);
}

/// <summary>How often one fault kind saw one outcome.</summary>
internal sealed record FaultCount(string Kind, string Label, bool Expected, long Count);
