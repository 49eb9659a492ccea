namespace Aot.Server.Models;

/// <summary>
/// A value derived from the repository's current snapshot (the text endpoints, the classifiers), computed again only when
/// the snapshot was swapped: readers get the same array until a version comes or goes.
/// </summary>
internal sealed class SnapshotView<T>(ModelRepository repository, Func<RepositorySnapshot, T> derive) where T : class
{
    private sealed record class Derived(RepositorySnapshot From, T Value);

    private volatile Derived? _derived;

    public T Value
    {
        get
        {
            RepositorySnapshot current = repository.Current;
            Derived? derived = _derived;
            if (derived is null || !ReferenceEquals(derived.From, current))
            {
                derived = new Derived(current, derive(current));
                _derived = derived;
            }

            return derived.Value;
        }
    }
}
