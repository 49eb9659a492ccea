using Aot.Server.Batching;
using Aot.Server.Models;
using Aot.Server.Security;

namespace Aot.Server.Binary;

/// <summary>What every binary connection shares: the live models, one request pool per model version, the frame size and time limits, the API keys.</summary>
internal sealed class BinaryProtocol
{
    private readonly ModelRequestPools<BinaryInferenceRequest> _pools = new(static (model, pool) => new BinaryInferenceRequest(model, pool), RequestPoolCapacity);

    public BinaryProtocol(ModelRepository repository, long maxPayloadBytes, int maxInFlightPerConnection = DefaultMaxInFlightPerConnection)
    {
        Repository = repository;
        MaxPayloadBytes = maxPayloadBytes;
        MaxInFlightPerConnection = maxInFlightPerConnection;
    }

    private const int RequestPoolCapacity = 1024;

    public ModelRepository Repository { get; }

    public const int DefaultMaxInFlightPerConnection = 256;

    public long MaxPayloadBytes { get; }

    /// <summary>Most requests one connection may have admitted and unanswered; beyond it the connection is not read.</summary>
    public int MaxInFlightPerConnection { get; }

    /// <summary>The keys an Authenticate frame must carry before anything else is read; null: connections need none.</summary>
    public ApiKeys? Keys { get; init; }

    /// <summary>Longest a frame may take to arrive whole, from its first byte.</summary>
    public TimeSpan FrameTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A request of <paramref name="model"/>, which the caller has leased; the request ends the lease when it is recycled.</summary>
    public BinaryInferenceRequest RentRequest(ServedModel model) => _pools.Rent(model);
}
