using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Aot.Server.Models;

/// <summary>
/// Loads and unloads model versions while the server serves: a new version is loaded and warmed up aside, then swapped
/// into the repository's snapshot in one step; a version that leaves it is retired (no new leases), drained (requests
/// that found it finish on it), its batcher stopped and its session and native memory freed. Operations on one model
/// run one at a time (a per-model lock; different models load in parallel). A version that fails to load is recorded
/// with its reason and counted, and the versions already serving keep serving.
/// </summary>
internal sealed class ModelLifecycle
{
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(5);
    private readonly ModelRepository _repository;
    private readonly Func<ModelSource, ServedModel> _load;
    private readonly Action<string> _log;
    private readonly TimeSpan _drainTimeout;
    private readonly Action _afterFree;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    /// <param name="repository">The live repository.</param>
    /// <param name="load">Loads, warms up and starts one version; throws naming what failed.</param>
    /// <param name="log">The server's log.</param>
    /// <param name="drainTimeout">How long an unloaded version's requests may take to finish before its batcher is stopped anyway.</param>
    /// <param name="afterFree">Run after a version's memory is freed (gives the freed native heap back to the system).</param>
    public ModelLifecycle(ModelRepository repository, Func<ModelSource, ServedModel> load, Action<string> log, TimeSpan drainTimeout, Action afterFree)
    {
        _repository = repository;
        _load = load;
        _log = log;
        _drainTimeout = drainTimeout;
        _afterFree = afterFree;
    }

    public ModelRepository Repository => _repository;

    /// <summary>Runs <paramref name="operation"/> on <paramref name="name"/> once no other operation on that model runs (awaiting, not blocking, the lock).</summary>
    public async Task<T> SerializedAsync<T>(string name, Func<T> operation)
    {
        SemaphoreSlim gate = _locks.GetOrAdd(name, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync().ConfigureAwait(false);
        try
        {
            // Loads and drains block for seconds: off the request thread.
            return await Task.Run(operation).ConfigureAwait(false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The blocking form of <see cref="SerializedAsync{T}"/> (the poll thread, start-up).</summary>
    public T Serialized<T>(string name, Func<T> operation)
    {
        SemaphoreSlim gate = _locks.GetOrAdd(name, static _ => new SemaphoreSlim(1, 1));
        gate.Wait();
        try
        {
            return operation();
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// Serves the versions of <paramref name="name"/> its version policy picks from <paramref name="available"/> (every
    /// version folder found): loads those not served yet or whose files changed, swaps them in, then unloads those no
    /// longer wanted. If a load fails, no served version is given up for it. Call inside <see cref="Serialized{T}"/>.
    /// </summary>
    /// <param name="name">The model.</param>
    /// <param name="available">Every version of it on disk, with its settings.</param>
    /// <param name="policy">Which of them to serve.</param>
    /// <param name="retryFailed">Load again a version that failed before even if its files did not change (an explicit load).</param>
    /// <returns>The versions that failed to load, with their reasons (empty: all wanted versions serve).</returns>
    public IReadOnlyList<ModelVersionStatus> Apply(string name, IReadOnlyList<ModelSource> available, VersionPolicy policy, bool retryFailed)
    {
        IReadOnlyList<ServedModel> served = _repository.Versions(name);
        var next = new List<ServedModel>();
        var failures = new List<ModelVersionStatus>();
        foreach (ModelSource source in VersionSelection.Pick(available, policy))
        {
            string fingerprint = SourceFingerprint.Of(source);
            ServedModel? current = served.FirstOrDefault(m => m.Version == source.Version);
            if (current is not null && current.Fingerprint == fingerprint)
            {
                next.Add(current);
                continue;
            }

            if (!retryFailed && _repository.Status(name, source.Version) is { LoadFailed: true } known && known.Fingerprint == fingerprint)
            {
                failures.Add(known); // still the same broken files: not retried every poll
                continue;
            }

            ServedModel? loaded = TryLoad(source, fingerprint, reference: next.FirstOrDefault() ?? served.FirstOrDefault(), failures);
            if (loaded is not null)
            {
                next.Add(loaded);
            }
        }

        if (failures.Count > 0)
        {
            // Failure isolation: what serves now keeps serving unless its folder is gone or a new copy of it loaded.
            foreach (ServedModel old in served)
            {
                if (!next.Any(m => m.Version == old.Version) && available.Any(s => s.Version == old.Version))
                {
                    next.Add(old);
                }
            }
        }

        IReadOnlyList<ServedModel> leaving = _repository.Replace(name, next);
        foreach (ServedModel model in next.Where(m => !served.Contains(m)))
        {
            _log($"serving '{model.Name}' v{model.VersionText}");
        }

        foreach (ServedModel old in leaving)
        {
            Free(old, available.Any(s => s.Version == old.Version) && !next.Any(m => m.Version == old.Version) ? "unloaded: not picked by the version policy" : null);
        }

        foreach (ModelVersionStatus status in _repository.Statuses().Where(s => s.Name == name && !available.Any(a => a.Version == s.Version)))
        {
            if (!next.Any(m => m.Version == status.Version))
            {
                _repository.RemoveStatus(name, status.Version); // its folder is gone
            }
        }

        return failures;
    }

    /// <summary>Stops serving every version of <paramref name="name"/>; returns how many were served. Call inside <see cref="Serialized{T}"/>.</summary>
    public int Unload(string name)
    {
        IReadOnlyList<ServedModel> leaving = _repository.Replace(name, []);
        foreach (ServedModel model in leaving)
        {
            Free(model, "unloaded");
        }

        return leaving.Count;
    }

    private ServedModel? TryLoad(ModelSource source, string fingerprint, ServedModel? reference, List<ModelVersionStatus> failures)
    {
        string version = source.Version.ToString(CultureInfo.InvariantCulture);
        _repository.SetStatus(new ModelVersionStatus(source.Name, source.Version, ModelVersionState.Loading, "") { Fingerprint = fingerprint });
        string reason;
        try
        {
            ServedModel loaded = _load(source);
            string? difference = reference is null ? null : SignatureComparison.Difference(loaded.Signature, reference.Signature);
            if (difference is null)
            {
                return loaded;
            }

            loaded.Dispose();
            reason = $"its signature differs from version {reference!.VersionText}'s: {difference}";
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Any failure (bad file, runtime error, out of memory) costs this version only.
            reason = ex.Message;
        }

        var status = new ModelVersionStatus(source.Name, source.Version, ModelVersionState.Unavailable, reason) { Fingerprint = fingerprint, LoadFailed = true };
        _repository.SetStatus(status);
        _repository.Metrics.RecordLoadFailure(source.Name, version);
        _log($"error: model '{source.Name}' v{version} ({source.Path}) is not served: {reason}");
        failures.Add(status);
        return null;
    }

    /// <summary>Retires a version that left the snapshot, waits for its requests, stops its batcher and frees it.</summary>
    /// <param name="model">The version.</param>
    /// <param name="reason">Its index entry afterwards (unavailable with this reason); null: the entry goes (its folder is gone or it was replaced).</param>
    private void Free(ServedModel model, string? reason)
    {
        model.Retire();
        // A version reloaded in place (changed files) keeps its index entry: the new copy serves while the old drains.
        bool replaced = _repository.Find(model.Name, model.VersionText) is not null;
        if (!replaced)
        {
            _repository.SetStatus(new ModelVersionStatus(model.Name, model.Version, ModelVersionState.Unloading, "") { Fingerprint = model.Fingerprint });
        }

        long started = Stopwatch.GetTimestamp();
        while (!model.IsDrained && Stopwatch.GetElapsedTime(started) < _drainTimeout)
        {
            Thread.Sleep(DrainPoll);
        }

        model.Batcher.Stop(_drainTimeout);
        model.Dispose();
        _repository.Freed(model);
        if (!replaced && reason is not null)
        {
            _repository.SetStatus(new ModelVersionStatus(model.Name, model.Version, ModelVersionState.Unavailable, reason) { Fingerprint = model.Fingerprint });
        }
        else if (!replaced)
        {
            _repository.RemoveStatus(model.Name, model.Version);
        }

        _afterFree();
        _log($"{(replaced ? "replaced" : "unloaded")} '{model.Name}' v{model.VersionText} after {Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms of draining");
    }
}
