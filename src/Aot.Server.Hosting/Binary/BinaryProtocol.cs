using Aot.Server.Batching;
using Aot.Server.Models;
using Microsoft.Extensions.ObjectPool;

namespace Aot.Server.Binary;

/// <summary>What every binary connection shares: the models, one request pool per model, and the frame size limit.</summary>
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

    public BinaryInferenceRequest RentRequest(ServedModel model) => _pools[model].Get();
}
