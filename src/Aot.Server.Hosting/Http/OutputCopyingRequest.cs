using Aot.Server.Batching;
using Aot.Server.Models;

namespace Aot.Server.Http;

/// <summary>
/// An awaited request whose selected outputs the batch worker copies into the request's own buffers (with their
/// shapes) before it wakes the handler, which converts them on its own thread: the KServe/TF Serving HTTP path and
/// gRPC. A transport may take an output in a form of its own instead (<see cref="TryTakeOutput"/>).
/// </summary>
internal abstract class OutputCopyingRequest(ServedModel model) : AwaitedInferenceRequest(model)
{
    // A pooled request keeps up to this many bytes per output between uses; bigger buffers go back to the GC.
    private const int KeepOutputBytes = 4 << 20;

    /// <summary>Each selected output's shape, and its bytes unless the transport took them itself.</summary>
    public TensorBuffer[] Outputs { get; } = [.. model.Signature.Outputs.Select(static o => new TensorBuffer(o.Rank))];

    public sealed override void OnCompleted(in InferenceResult result)
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
            if (!TryTakeOutput(o, result, bytes))
            {
                result.CopyTo(o, output.Allocate(bytes));
            }

            output.IsSet = true;
        }

        Complete();
    }

    /// <summary>Takes output <paramref name="index"/>'s <paramref name="bytes"/> in the transport's own form; false copies them into <see cref="Outputs"/>.</summary>
    protected virtual bool TryTakeOutput(int index, in InferenceResult result, int bytes) => false;

    /// <summary>Clears the awaited state and the outputs for the next request (call from <c>Recycle</c>).</summary>
    protected void ResetOutputs()
    {
        ResetAwaited();
        foreach (TensorBuffer output in Outputs)
        {
            output.Reset(KeepOutputBytes);
        }
    }
}
