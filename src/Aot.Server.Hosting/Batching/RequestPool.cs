using System.Collections.Concurrent;

namespace Aot.Server.Batching;

/// <summary>
/// A bounded pool of request objects for one model and protocol: a request's buffers and shape arrays are
/// reused by the next one, which is what keeps steady-state requests allocation-free.
/// </summary>
internal sealed class RequestPool<T>(Func<T> create, int capacity = 1024) where T : class
{
    private readonly ConcurrentQueue<T> _idle = new();
    private int _count;

    public T Rent()
    {
        if (_idle.TryDequeue(out T? item))
        {
            Interlocked.Decrement(ref _count);
            return item;
        }

        return create();
    }

    public void Return(T item)
    {
        if (Interlocked.Increment(ref _count) <= capacity)
        {
            _idle.Enqueue(item);
        }
        else
        {
            Interlocked.Decrement(ref _count);
        }
    }
}
