using Microsoft.Extensions.ObjectPool;

namespace Aot.Server.Batching;

/// <summary>
/// Bounded pools of request objects, one per model and protocol: a request's buffers and shape arrays are reused by the
/// next one, which is what keeps steady-state requests allocation-free.
/// </summary>
internal static class RequestPools
{
    /// <summary>A pool that keeps up to <paramref name="capacity"/> idle requests and creates more on demand.</summary>
    public static ObjectPool<T> Create<T>(Func<T> create, int capacity = 1024) where T : class =>
        new DefaultObjectPool<T>(new Policy<T>(create), capacity);

    // Every request resets itself before it goes back, so the pool keeps all it is given (up to its capacity).
    private sealed class Policy<T>(Func<T> create) : PooledObjectPolicy<T> where T : class
    {
        public override T Create() => create();

        public override bool Return(T obj) => true;
    }
}
