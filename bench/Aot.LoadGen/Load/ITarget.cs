namespace Aot.LoadGen.Load;

/// <summary>A system under test reached through one protocol: makes one sender per virtual client.</summary>
internal interface ITarget : IAsyncDisposable
{
    /// <summary>Protocol name as it appears in the results: <c>binary</c>, <c>kserve-http</c>, <c>grpc</c>, <c>peer-http</c>, <c>tcp-echo</c>, <c>in-process</c>.</summary>
    string Protocol { get; }

    /// <summary>Opens the connection of one virtual client.</summary>
    ValueTask<IRequestSender> ConnectAsync(CancellationToken cancellationToken);
}
