using Aot.Server.Models;

namespace Aot.Server.Batching;

/// <summary>
/// "Tokens" for any padded model, derived from tensors alone: a request's length is the product of its inputs'
/// paddable (symbolic, non-batch) dimensions — the sequence length for a text encoder — taking the largest over its
/// inputs; a batch costs rows × its longest request's length, because the batcher pads every row to that.
/// </summary>
internal static class PaddedLength
{
    /// <summary>The request's length; 1 for a model with no paddable dimension.</summary>
    public static long Of(ServingSignature signature, InferenceRequest request)
    {
        long longest = 1;
        for (int i = 0; i < signature.Inputs.Length; i++)
        {
            long[] shape = request.Inputs[i].Shape;
            long length = 1;
            for (int d = 1; d < shape.Length; d++)
            {
                if (signature.IsPaddable(i, d))
                {
                    length *= Math.Max(1, shape[d]);
                }
            }

            longest = Math.Max(longest, length);
        }

        return longest;
    }
}
