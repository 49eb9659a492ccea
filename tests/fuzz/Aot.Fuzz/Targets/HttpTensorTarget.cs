using System.Diagnostics;
using Aot.Server.Batching;
using Aot.Server.Http;
using Aot.Server.Metrics;
using Aot.Server.Models;
using Microsoft.Extensions.ObjectPool;

namespace Aot.Fuzz.Targets;

/// <summary>
/// An HTTP tensor route as <c>HttpApi</c> runs it: rent the model's pooled request, read the body into it, let the
/// batcher validate it, release it. Each input is tried against every fuzz model (the route names the model, the
/// body does not). Documented refusals: whatever <see cref="HttpErrors.Classify"/> answers with a 4xx
/// (<see cref="InferenceException"/>, malformed JSON, <see cref="FormatException"/>); a 500 is a crash.
/// </summary>
internal abstract class HttpTensorTarget : FuzzTarget
{
    private readonly Dictionary<ServedModel, ObjectPool<HttpInferenceRequest>> _pools = [];

    protected HttpTensorTarget()
    {
        foreach (ServedModel model in FuzzModels.Tensors.All)
        {
            ObjectPool<HttpInferenceRequest>? pool = null;
            pool = RequestPools.Create(() => new HttpInferenceRequest(model, pool!), capacity: 4);
            _pools[model] = pool;
        }
    }

    /// <summary>Reads <paramref name="body"/> into <paramref name="request"/> as the route's reader does.</summary>
    protected abstract void Read(ReadOnlySpan<byte> body, HttpInferenceRequest request);

    public override FuzzOutcome Run(ReadOnlySpan<byte> input)
    {
        FuzzOutcome outcome = FuzzOutcome.Refused;
        foreach ((ServedModel model, ObjectPool<HttpInferenceRequest> pool) in _pools)
        {
            HttpInferenceRequest request = pool.Get();
            request.Begin(Stopwatch.GetTimestamp(), CancellationToken.None);
            RequestOutcome result = RequestOutcome.Success;
            try
            {
                Read(input, request);
                model.Batcher.Validate(request.Inputs);
                outcome = FuzzOutcome.Accepted;
            }
            catch (Exception ex) when (IsRefusal(ex))
            {
                result = RequestOutcome.BadRequest;
            }
            finally
            {
                request.Release(result);
            }
        }

        return outcome;
    }

    /// <summary>Whether the server answers <paramref name="exception"/> as the client's fault (4xx), not its own (500).</summary>
    internal static bool IsRefusal(Exception exception) => HttpErrors.Classify(exception).Status is >= 400 and < 500;
}
