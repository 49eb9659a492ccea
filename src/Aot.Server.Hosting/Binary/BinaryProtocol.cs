using Aot.Server.Batching;
using Aot.Server.Models;
using Aot.Server.Security;
using Microsoft.Extensions.ObjectPool;

namespace Aot.Server.Binary;

/// <summary>What every binary connection shares: the models, one request pool per model, the frame size and time limits, the API keys.</summary>
internal sealed class BinaryProtocol
{
    private readonly Dictionary<ServedModel, ObjectPool<BinaryInferenceRequest>> _pools = [];

    public BinaryProtocol(ModelRepository repository, long maxPayloadBytes, int maxInFlightPerConnection = DefaultMaxInFlightPerConnection)
    {
        Repository = repository;
        MaxPayloadBytes = maxPayloadBytes;
        MaxInFlightPerConnection = maxInFlightPerConnection;
        foreach (ServedModel model in repository.All)
        {
            ObjectPool<BinaryInferenceRequest>? pool = null;
            pool = RequestPools.Create(() => new BinaryInferenceRequest(model, pool!));
            _pools[model] = pool;
        }
    }

    public ModelRepository Repository { get; }

    public const int DefaultMaxInFlightPerConnection = 256;

    public long MaxPayloadBytes { get; }

    /// <summary>Most requests one connection may have admitted and unanswered; beyond it the connection is not read.</summary>
    public int MaxInFlightPerConnection { get; }

    /// <summary>The keys an Authenticate frame must carry before anything else is read; null: connections need none.</summary>
    public ApiKeys? Keys { get; init; }

    /// <summary>Longest a frame may take to arrive whole, from its first byte.</summary>
    public TimeSpan FrameTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public BinaryInferenceRequest RentRequest(ServedModel model) => _pools[model].Get();
}
