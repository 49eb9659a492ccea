using Aot.Embeddings;

namespace Aot.Extensions.AI;

/// <summary>
/// A bounded pool of <see cref="EmbeddingRunner"/>s: at most <c>capacity</c> exist, created on first need, and a
/// caller that finds none free waits asynchronously. A runner holds pinned native buffers and is single-threaded,
/// so the bound is what keeps memory flat under a burst of concurrent calls.
/// </summary>
internal sealed class RunnerPool : IDisposable
{
    private readonly EmbeddingModel _model;
    private readonly SemaphoreSlim _slots;
    private readonly Stack<EmbeddingRunner> _idle = new();
    private bool _disposed;

    public RunnerPool(EmbeddingModel model, int capacity)
    {
        _model = model;
        _slots = new SemaphoreSlim(capacity, capacity);
    }

    public async ValueTask<EmbeddingRunner> RentAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_idle)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_idle.TryPop(out EmbeddingRunner? runner))
                    return runner;
            }

            return _model.CreateRunner();
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    public void Return(EmbeddingRunner runner)
    {
        lock (_idle)
        {
            if (!_disposed)
            {
                _idle.Push(runner);
                _slots.Release();
                return;
            }
        }

        // Returned after Dispose: nobody will rent it again.
        runner.Dispose();
    }

    public void Dispose()
    {
        lock (_idle)
        {
            _disposed = true;
            while (_idle.TryPop(out EmbeddingRunner? runner))
                runner.Dispose();
        }
    }
}
