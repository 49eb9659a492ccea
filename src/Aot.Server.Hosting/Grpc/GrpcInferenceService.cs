using System.Diagnostics;
using Aot.Protocol;
using Aot.Server.Batching;
using Aot.Server.Hosting;
using Aot.Server.Metrics;
using Aot.Server.Models;
using Grpc.Core;
using Inference;

namespace Aot.Server.Grpc;

/// <summary>
/// The Open Inference Protocol's <c>inference.GRPCInferenceService</c> (shared/specs/grpc_predict_v2.proto): health,
/// metadata and <c>ModelInfer</c>, a thin adapter over the same request lifecycle as every other protocol — rent a
/// pooled request, read the message into it, <see cref="DynamicBatcher.Submit"/> and await, write the answer,
/// <see cref="InferenceRequest.Release"/>. Failures become the gRPC status of their <see cref="ErrorCode"/>.
/// </summary>
internal sealed class GrpcInferenceService : GRPCInferenceService.GRPCInferenceServiceBase
{
    private readonly ModelRepository _repository;
    private readonly ServerState _state;
    private readonly ModelRequestPools<GrpcInferenceRequest> _pools = new(static (model, pool) => new GrpcInferenceRequest(model, pool), capacity: 256);

    public GrpcInferenceService(ModelRepository repository, ServerState state)
    {
        _repository = repository;
        _state = state;
    }

    public override Task<ServerLiveResponse> ServerLive(ServerLiveRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerLiveResponse { Live = true });

    public override Task<ServerReadyResponse> ServerReady(ServerReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerReadyResponse { Ready = _state.IsReady && _repository.IsReady });

    public override Task<ModelReadyResponse> ModelReady(ModelReadyRequest request, ServerCallContext context) =>
        Task.FromResult(new ModelReadyResponse { Ready = _state.IsReady && Find(request.Name, request.Version).IsReady });

    public override Task<ServerMetadataResponse> ServerMetadata(ServerMetadataRequest request, ServerCallContext context) =>
        Task.FromResult(new ServerMetadataResponse { Name = MetadataJson.ServerName, Version = MetadataJson.ServerVersion });

    public override Task<ModelMetadataResponse> ModelMetadata(ModelMetadataRequest request, ServerCallContext context)
    {
        ServedModel model = Find(request.Name, request.Version);
        var response = new ModelMetadataResponse { Name = model.Name, Platform = MetadataJson.Platform };
        response.Versions.Add(_repository.Versions(model.Name).Select(static v => v.VersionText));
        response.Inputs.Add(model.Signature.Inputs.Select(Metadata));
        response.Outputs.Add(model.Signature.Outputs.Select(Metadata));
        return Task.FromResult(response);
    }

    public override async Task<ModelInferResponse> ModelInfer(ModelInferRequest message, ServerCallContext context)
    {
        long received = Stopwatch.GetTimestamp();
        ServedModel model = Find(message.ModelName, message.ModelVersion, lease: true);
        GrpcInferenceRequest request = _pools.Rent(model);
        request.Begin(received, context.CancellationToken);
        RequestOutcome outcome = RequestOutcome.Success;
        try
        {
            if (context.Deadline != DateTime.MaxValue)
            {
                TimeSpan left = context.Deadline - DateTime.UtcNow;
                request.DeadlineAt = received + Math.Max(1, (long)(left.TotalSeconds * Stopwatch.Frequency));
            }

            GrpcRequestReader.Read(message, request);
            await request.RunAsync().ConfigureAwait(false);
            return Answer(message, request);
        }
        catch (InferenceException ex)
        {
            outcome = RequestOutcomes.FromCode(ex.Code);
            throw GrpcStatusCodes.Exception(ex.Code, ex.Message);
        }
        catch (OverflowException)
        {
            outcome = RequestOutcome.BadRequest;
            throw GrpcStatusCodes.Exception(ErrorCode.BadRequest, $"A tensor of the request to model '{model.Name}' is larger than the server can hold (2 GiB per tensor).");
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            outcome = RequestOutcome.Cancelled;
            throw;
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            // grpc-dotnet would hide the message ("Exception was thrown by handler"); the client is told what failed.
            outcome = RequestOutcome.Error;
            throw GrpcStatusCodes.Exception(ErrorCode.InternalError, ex.Message);
        }
        finally
        {
            request.Release(outcome);
            model.EndLease();
        }
    }

    /// <summary>The response message: outputs in model order, each as raw bytes or typed values.</summary>
    private static ModelInferResponse Answer(ModelInferRequest message, GrpcInferenceRequest request)
    {
        ServedModel model = request.Model;
        var response = new ModelInferResponse { ModelName = model.Name, ModelVersion = model.VersionText, Id = message.Id };
        ServingTensor[] outputs = model.Signature.Outputs;
        for (int o = 0; o < outputs.Length; o++)
        {
            if (!request.SelectedOutputs[o])
            {
                continue;
            }

            TensorBuffer buffer = request.Outputs[o];
            var tensor = new ModelInferResponse.Types.InferOutputTensor { Name = outputs[o].Name, Datatype = outputs[o].DataTypeName };
            TypedContents.AddAll(tensor.Shape, buffer.Shape);
            if (request.AnswersRaw)
            {
                response.RawOutputContents.Add(request.RawOutputs[o]);
            }
            else
            {
                tensor.Contents = new InferTensorContents();
                TypedContents.Write(buffer.Data, outputs[o].ElementType, tensor.Contents);
            }

            response.Outputs.Add(tensor);
        }

        return response;
    }

    private static ModelMetadataResponse.Types.TensorMetadata Metadata(ServingTensor tensor)
    {
        var metadata = new ModelMetadataResponse.Types.TensorMetadata { Name = tensor.Name, Datatype = tensor.DataTypeName };
        TypedContents.AddAll(metadata.Shape, tensor.MetadataShape);
        return metadata;
    }

    /// <summary>The model named (newest ready version when <paramref name="version"/> is empty), leased if asked; NOT_FOUND naming what is served.</summary>
    private ServedModel Find(string name, string version, bool lease = false)
    {
        ServedModel? model = lease ? _repository.Lease(name, version.Length == 0 ? null : version) : _repository.Find(name, version.Length == 0 ? null : version);
        if (model is not null)
        {
            return model;
        }

        throw GrpcStatusCodes.Exception(ErrorCode.NotFound, _repository.NotFoundMessage(name, version));
    }
}
