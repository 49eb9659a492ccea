using System.Runtime.CompilerServices;
using Aot.Server.Models;
using Microsoft.Extensions.ObjectPool;

namespace Aot.Server.Batching;

/// <summary>
/// One transport's request pools, one per served model version, made on a version's first request. Keyed weakly: an
/// unloaded version's pool (and the buffers its requests hold) goes with the version. A look-up allocates nothing.
/// </summary>
internal sealed class ModelRequestPools<T> where T : class
{
    private readonly ConditionalWeakTable<ServedModel, ObjectPool<T>> _pools = [];
    private readonly ConditionalWeakTable<ServedModel, ObjectPool<T>>.CreateValueCallback _create;

    /// <param name="create">Makes a request of a model that returns itself to the given pool.</param>
    /// <param name="capacity">Idle requests each pool keeps.</param>
    public ModelRequestPools(Func<ServedModel, ObjectPool<T>, T> create, int capacity)
    {
        _create = model =>
        {
            ObjectPool<T>? pool = null;
            pool = RequestPools.Create(() => create(model, pool!), capacity);
            return pool;
        };
    }

    public T Rent(ServedModel model) => _pools.GetValue(model, _create).Get();
}
