using Aot.Client;

namespace Aot.LoadGen.Soak;

/// <summary>
/// One binary-protocol connection shared by several checked clients (requests pipelined on it), opened again when
/// it breaks: a client that sees the connection fail hands it back with <see cref="ReplaceAsync"/>.
/// </summary>
internal sealed class BinaryConnectionSlot(string host, int port) : IAsyncDisposable
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private AotClient? _client;

    /// <summary>The open connection, connecting first if there is none.</summary>
    public async Task<AotClient> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _client) is { } open)
        {
            return open;
        }

        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _client ??= await AotClient.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Drops <paramref name="broken"/> (if it is still the open connection), so the next request reconnects.</summary>
    public async Task ReplaceAsync(AotClient broken)
    {
        await _lock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (ReferenceEquals(_client, broken))
            {
                _client = null;
                await broken.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _lock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is { } client)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }

        _lock.Dispose();
    }
}
