namespace Aot.Server.Models;

/// <summary>
/// A value derived from the repository's current snapshot (the text endpoints, the classifiers), computed again only when
/// the snapshot was swapped: readers get the same array until a version comes or goes.
/// </summary>
internal sealed class SnapshotView<T>(ModelRepository repository, Func<RepositorySnapshot, T> derive) where T : class
{
    // The swap count, not the snapshot itself: a cached old snapshot would keep unloaded versions reachable.
    private sealed record class Derived(long Generation, T Value);

    private volatile Derived? _derived;

    public T Value
    {
        get
        {
            long generation = repository.Generation;
            Derived? derived = _derived;
            if (derived is null || derived.Generation != generation)
            {
                derived = new Derived(generation, derive(repository.Current));
                _derived = derived;
            }

            return derived.Value;
        }
    }
}
