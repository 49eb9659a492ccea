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
internal sealed class GrpcInferenceRequest : AwaitedInferenceRequest
{
    private readonly ObjectPool<GrpcInferenceRequest> _pool;

    public GrpcInferenceRequest(ServedModel model, ObjectPool<GrpcInferenceRequest> pool) : base(model)
    {
        _pool = pool;
        Outputs = [.. model.Signature.Outputs.Select(static o => new TensorBuffer(o.Rank))];
        RawOutputs = new ByteString[model.Signature.Outputs.Length];
    }

    /// <summary>Each selected output's shape, and its bytes when the answer uses typed contents.</summary>
    public TensorBuffer[] Outputs { get; }

    /// <summary>Each selected output's bytes when the answer uses <c>raw_output_contents</c>.</summary>
    public ByteString?[] RawOutputs { get; }

    /// <summary>Answer in <c>raw_output_contents</c> (set before the request is submitted).</summary>
    public bool AnswersRaw { get; set; }

    protected override RequestProtocol Protocol => RequestProtocol.Grpc;

    public override void OnCompleted(in InferenceResult result)
    {
        for (int o = 0; o < Outputs.Length; o++)
        {
            if (!SelectedOutputs[o])
            {
                continue;
            }

            TensorBuffer output = Outputs[o];
            result.GetShape(o, output.Shape);
            int bytes = checked((int)result.GetByteCount(o));
            if (AnswersRaw)
            {
                byte[] data = GC.AllocateUninitializedArray<byte>(bytes);
                result.CopyTo(o, data);
                RawOutputs[o] = UnsafeByteOperations.UnsafeWrap(data); // the message owns the array from here on
            }
            else
            {
                result.CopyTo(o, output.Allocate(bytes));
            }

            output.IsSet = true;
        }

        Complete();
    }

    protected override void Recycle()
    {
        ResetAwaited();
        foreach (TensorBuffer output in Outputs)
        {
            output.Reset(keepBytes: 4 << 20);
        }

        Array.Clear(RawOutputs);
        AnswersRaw = false;
        _pool.Return(this);
    }
}
