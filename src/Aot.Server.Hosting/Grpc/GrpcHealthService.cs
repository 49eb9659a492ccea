using Aot.Server.Hosting;
using Aot.Server.Models;
using Grpc.Core;
using Grpc.Health.V1;
using static Grpc.Health.V1.HealthCheckResponse.Types;

namespace Aot.Server.Grpc;

/// <summary>
/// <c>grpc.health.v1.Health</c> for Kubernetes gRPC probes and load balancers. Services: <c>""</c> (the server) and
/// <c>inference.GRPCInferenceService</c> are SERVING once every model is warm and the server listens; a model's name
/// is SERVING once that model is. Everything is NOT_SERVING from the start of shutdown (SIGTERM), and a
/// <c>Watch</c> then ends after saying so, so open watches never hold the drain up.
/// </summary>
/// <remarks>
/// Written over Grpc.HealthCheck's generated base rather than its <c>HealthServiceImpl</c>: statuses here are derived
/// from the server's state when asked, and Grpc.HealthCheck's watches would stay open through the whole drain timeout.
/// </remarks>
internal sealed class GrpcHealthService(ModelRepository repository, ServerState state) : Health.HealthBase
{
    /// <summary>The KServe service's full name, a health service name of its own.</summary>
    public const string InferenceService = "inference.GRPCInferenceService";

    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        ServingStatus status = StatusOf(request.Service);
        if (status == ServingStatus.ServiceUnknown)
        {
            throw new RpcException(new Status(StatusCode.NotFound, UnknownMessage(request.Service)));
        }

        return Task.FromResult(new HealthCheckResponse { Status = status });
    }

    public override async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        ServingStatus? sent = null;
        try
        {
            while (true)
            {
                Task changed = state.Changed; // taken before reading the state: a change in between still wakes us
                ServingStatus status = StatusOf(request.Service);
                if (status != sent)
                {
                    await responseStream.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken).ConfigureAwait(false);
                    sent = status;
                }

                if (state.IsStopping)
                {
                    return;
                }

                await changed.WaitAsync(context.CancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The watcher went away.
        }
    }

    /// <summary>The status of a health service name; SERVICE_UNKNOWN for a name that is neither the server nor a model.</summary>
    public ServingStatus StatusOf(string service)
    {
        if (service.Length == 0 || service == InferenceService)
        {
            return Serving(state.IsReady && repository.IsReady);
        }

        ServedModel? model = repository.Find(service, null);
        return model is null ? ServingStatus.ServiceUnknown : Serving(state.IsReady && model.IsReady);
    }

    private static ServingStatus Serving(bool ready) => ready ? ServingStatus.Serving : ServingStatus.NotServing;

    private string UnknownMessage(string service) =>
        $"Unknown health service '{service}'. Services: \"\" (the server), {InferenceService}, and one per model: {string.Join(", ", repository.Latest.Select(static m => m.Name))}.";
}
