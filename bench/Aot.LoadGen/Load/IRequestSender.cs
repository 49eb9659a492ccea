namespace Aot.LoadGen.Load;

/// <summary>
/// One virtual client's connection to a system under test. <see cref="SendAsync"/> sends the workload's request
/// once, reads the whole answer and completes; it throws when the system answered with an error. Not thread-safe:
/// a load runner gives each of its concurrent clients its own sender.
/// </summary>
internal interface IRequestSender : IAsyncDisposable
{
    /// <summary>Sends one request and waits for its complete, successful answer.</summary>
    ValueTask SendAsync(CancellationToken cancellationToken);
}
