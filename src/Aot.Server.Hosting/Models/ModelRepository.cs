namespace Aot.Server.Models;

/// <summary>
/// The live set of served models: an immutable <see cref="RepositorySnapshot"/> swapped atomically when a version comes
/// or goes (readers take no lock and allocate nothing), and the state of every version known, served or not (the
/// repository index). A request takes a lease on the version it found (<see cref="Lease(string, string?)"/>) and
/// finishes on it even if the version is unloaded meanwhile; loading and unloading are <see cref="ModelLifecycle"/>'s.
/// </summary>
internal sealed class ModelRepository : IDisposable
{
    private readonly object _gate = new();
    private volatile RepositorySnapshot _current;
    private readonly Dictionary<(string Name, long Version), ModelVersionStatus> _statuses = [];
    private readonly HashSet<ServedModel> _retiring = [];
    private long _generation;

    public ModelRepository(IEnumerable<ServedModel> models)
    {
        _current = new RepositorySnapshot(models);
        foreach (ServedModel model in _current.All)
        {
            _statuses[(model.Name, model.Version)] = new ModelVersionStatus(model.Name, model.Version, model.State, "") { Fingerprint = model.Fingerprint };
        }

        Metrics.Versions = () =>
        {
            RepositorySnapshot current = _current;
            return [.. Statuses().Select(s => new Metrics.LifecycleMetrics.VersionGauge(
                s.Name, s.VersionText, ModelVersionStates.KServeName(s.State), current.Find(s.Name, s.VersionText)?.LoadSeconds))];
        };
    }

    /// <summary>Per-version state, load time and load failures (<c>/metrics</c>).</summary>
    public Metrics.LifecycleMetrics Metrics { get; } = new();

    /// <summary>The served versions right now; a reader that needs several answers from one moment keeps this object.</summary>
    public RepositorySnapshot Current => _current;

    /// <summary>How many times the snapshot was swapped (views derived from it compare this).</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Every served version, by name then version.</summary>
    public IReadOnlyList<ServedModel> All => _current.All;

    /// <summary>Every served version in the order it was given (command line, then repository).</summary>
    public IReadOnlyList<ServedModel> InOrderGiven => _current.InOrderGiven;

    /// <summary>The highest served version of each model.</summary>
    public IReadOnlyList<ServedModel> Latest => _current.Latest;

    /// <summary>Whether every model known has a ready version and none is loading (<c>/v2/health/ready</c>).</summary>
    public bool IsReady
    {
        get
        {
            RepositorySnapshot current = _current;
            if (!current.All.All(static m => m.IsReady))
            {
                return false;
            }

            foreach (ModelVersionStatus status in Statuses())
            {
                if (status.State == ModelVersionState.Loading && current.Versions(status.Name).Count == 0)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>The model <paramref name="name"/> at <paramref name="version"/> (null or empty: the newest ready one).</summary>
    public ServedModel? Find(string name, string? version) => _current.Find(name, version);

    /// <summary>The model whose UTF-8 name is <paramref name="utf8Name"/> at <paramref name="version"/> (0: the newest ready one).</summary>
    public ServedModel? Find(ReadOnlySpan<byte> utf8Name, long version) => _current.Find(utf8Name, version);

    /// <summary>Every served version of <paramref name="name"/>, highest first (empty when unknown).</summary>
    public IReadOnlyList<ServedModel> Versions(string name) => _current.Versions(name);

    /// <summary>
    /// Finds the model as <see cref="Find(string, string?)"/> does and takes a lease on it; the caller ends the lease
    /// when its request is done. A version retired between the look-up and the lease is looked up again (the snapshot
    /// no longer holds it), so a request never lands on a version that is going away.
    /// </summary>
    public ServedModel? Lease(string name, string? version)
    {
        while (true)
        {
            ServedModel? model = _current.Find(name, version);
            if (model is null || model.TryLease())
            {
                return model;
            }
        }
    }

    /// <summary>The UTF-8 form of <see cref="Lease(string, string?)"/> (binary frames): allocates nothing.</summary>
    public ServedModel? Lease(ReadOnlySpan<byte> utf8Name, long version)
    {
        while (true)
        {
            ServedModel? model = _current.Find(utf8Name, version);
            if (model is null || model.TryLease())
            {
                return model;
            }
        }
    }

    /// <summary>Why <see cref="Find(string, string?)"/> found nothing, naming what is served (every protocol's "not found").</summary>
    public string NotFoundMessage(string name, string? version)
    {
        RepositorySnapshot current = _current;
        if (!string.IsNullOrEmpty(version) && current.Find(name, null) is not null)
        {
            return $"Model '{name}' has no version '{version}'; it has {string.Join(", ", current.Versions(name).Select(static m => m.VersionText))}.";
        }

        ModelVersionStatus[] known = [.. Statuses().Where(s => s.Name == name && s.State != ModelVersionState.Ready)];
        string why = known.Length == 0 ? "" : $" ({string.Join("; ", known.Select(static s => $"version {s.VersionText}: {ModelVersionStates.KServeName(s.State)}{(s.Reason.Length > 0 ? ", " + s.Reason : "")}"))})";
        return $"Unknown model '{name}'{why}. Served models: {string.Join(", ", current.Latest.Select(static m => m.Name))}.";
    }

    /// <summary>Every version known, served or not, by name then version (the repository index).</summary>
    public IReadOnlyList<ModelVersionStatus> Statuses()
    {
        lock (_gate)
        {
            return [.. _statuses.Values.OrderBy(static s => s.Name, StringComparer.Ordinal).ThenBy(static s => s.Version)];
        }
    }

    /// <summary>The state of <paramref name="name"/> <paramref name="version"/>, if known.</summary>
    public ModelVersionStatus? Status(string name, long version)
    {
        lock (_gate)
        {
            return _statuses.GetValueOrDefault((name, version));
        }
    }

    /// <summary>Records a version's state (loading, failed, unloaded) without touching what is served.</summary>
    public void SetStatus(ModelVersionStatus status)
    {
        lock (_gate)
        {
            _statuses[(status.Name, status.Version)] = status;
        }
    }

    /// <summary>Forgets a version (its folder is gone).</summary>
    public void RemoveStatus(string name, long version)
    {
        lock (_gate)
        {
            _statuses.Remove((name, version));
        }
    }

    /// <summary>
    /// Serves exactly <paramref name="versions"/> of <paramref name="name"/> from now on, in one atomic swap; returns the
    /// versions that left the snapshot (the caller retires, drains and frees them).
    /// </summary>
    public IReadOnlyList<ServedModel> Replace(string name, IReadOnlyList<ServedModel> versions)
    {
        lock (_gate)
        {
            RepositorySnapshot before = _current;
            ServedModel[] leaving = [.. before.Versions(name).Where(m => !versions.Contains(m))];
            foreach (ServedModel model in versions)
            {
                model.State = ModelVersionState.Ready;
                _statuses[(model.Name, model.Version)] = new ModelVersionStatus(model.Name, model.Version, ModelVersionState.Ready, "") { Fingerprint = model.Fingerprint };
            }

            foreach (ServedModel model in leaving)
            {
                _retiring.Add(model);
            }

            _current = before.With(name, versions);
            Interlocked.Increment(ref _generation);
            return leaving;
        }
    }

    /// <summary>A retired version has been freed: it no longer needs draining at shutdown.</summary>
    public void Freed(ServedModel model)
    {
        lock (_gate)
        {
            _retiring.Remove(model);
        }
    }

    /// <summary>Every version whose batcher still runs: the served ones and those retired but not yet freed (shutdown drains them all).</summary>
    public IReadOnlyList<ServedModel> Running()
    {
        lock (_gate)
        {
            return [.. _current.All, .. _retiring];
        }
    }

    public void Dispose()
    {
        foreach (ServedModel model in Running())
        {
            model.Dispose();
        }
    }
}
