using Aot.Server.Batching;
using Aot.Server.Http;
using Aot.Server.Metrics;
using Aot.Server.Models;
using Google.Protobuf;
using Microsoft.Extensions.ObjectPool;

namespace Aot.Server.Grpc;

/// <summary>
/// An inference request that arrived as a gRPC <c>ModelInfer</c> call. The batch worker takes its outputs: for raw
/// contents straight from the runner's output buffer into the byte array the response message sends (one copy); for
/// typed contents into pooled buffers that the handler converts on its own thread. Pooled per model.
/// </summary>
internal sealed class GrpcInferenceRequest : OutputCopyingRequest
{
    private readonly ObjectPool<GrpcInferenceRequest> _pool;

    public GrpcInferenceRequest(ServedModel model, ObjectPool<GrpcInferenceRequest> pool) : base(model)
    {
        _pool = pool;
        RawOutputs = new ByteString[model.Signature.Outputs.Length];
    }

    /// <summary>Each selected output's bytes when the answer uses <c>raw_output_contents</c>.</summary>
    public ByteString?[] RawOutputs { get; }

    /// <summary>Answer in <c>raw_output_contents</c> (set before the request is submitted).</summary>
    public bool AnswersRaw { get; set; }

    protected override RequestProtocol Protocol => RequestProtocol.Grpc;

    /// <summary>For a raw answer, straight from the runner's output into the array the response message sends (one copy).</summary>
    protected override bool TryTakeOutput(int index, in InferenceResult result, int bytes)
    {
        if (!AnswersRaw)
        {
            return false;
        }

        byte[] data = GC.AllocateUninitializedArray<byte>(bytes);
        result.CopyTo(index, data);
        RawOutputs[index] = UnsafeByteOperations.UnsafeWrap(data); // the message owns the array from here on
        return true;
    }

    protected override void Recycle()
    {
        ResetOutputs();
        Array.Clear(RawOutputs);
        AnswersRaw = false;
        _pool.Return(this);
    }
}
