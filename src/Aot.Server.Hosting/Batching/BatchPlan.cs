using Aot.Server.Models;

namespace Aot.Server.Batching;

/// <summary>
/// Lays a batch out in the executor's input buffers: the batch shape of each input (rows summed along dimension
/// 0, other dimensions the largest of the batch when padding), and each request's bytes copied once at its row
/// offset. One per worker; its shape arrays are reused so forming a batch allocates nothing.
/// </summary>
internal sealed class BatchPlan
{
    private readonly ServingSignature _signature;
    private readonly bool _pad;
    private readonly long[][] _batchShapes;
    private readonly long[][] _rowShapes;
    private string[] _strings = [];

    public BatchPlan(ServingSignature signature, bool pad)
    {
        _signature = signature;
        _pad = pad;
        _batchShapes = [.. signature.Inputs.Select(static i => new long[i.Rank])];
        _rowShapes = [.. signature.Inputs.Select(static i => new long[i.Rank])];
    }

    /// <summary>Whether <paramref name="candidate"/> may share a batch with <paramref name="seed"/>.</summary>
    public static bool AreCompatible(ServingSignature signature, InferenceRequest seed, InferenceRequest candidate, bool pad)
    {
        for (int i = 0; i < signature.Inputs.Length; i++)
        {
            long[] a = seed.Inputs[i].Shape;
            long[] b = candidate.Inputs[i].Shape;
            for (int d = 1; d < a.Length; d++)
            {
                if (a[d] != b[d] && !(pad && signature.IsPaddable(i, d)))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Sets every input's batch shape on the executor and copies each request's data into place: by the executor
    /// itself when it can (a compiled-in model's generated code, <see cref="IModelExecutor.TryFillInputs"/>), else here.
    /// </summary>
    public void FillInputs(IModelExecutor executor, List<InferenceRequest> batch, long rows)
    {
        if (executor.TryFillInputs(batch, rows))
        {
            return;
        }

        for (int i = 0; i < _signature.Inputs.Length; i++)
        {
            int elementSize = _signature.Inputs[i].ElementSize;
            long[] batchShape = _batchShapes[i];
            bool padded = ComputeBatchShape(i, batch, rows, batchShape);
            if (_signature.Inputs[i].IsString)
            {
                FillStrings(executor, i, batch, batchShape);
                continue;
            }

            Span<byte> destination = executor.GetInputBytes(i, batchShape);
            if (batch.Count == 1 && !padded)
            {
                batch[0].Inputs[i].CopyTo(destination); // possibly straight from the socket buffer (a lone binary request)
                continue;
            }

            if (padded)
            {
                destination.Clear(); // padding is zeros (token id 0 / mask 0)
            }

            long rowBytes = TensorCopy.ByteCount(batchShape.AsSpan(1), elementSize);
            long offset = 0;
            long[] rowShape = _rowShapes[i];
            foreach (InferenceRequest request in batch)
            {
                TensorBuffer tensor = request.Inputs[i];
                long requestRows = _signature.IsBatchable ? tensor.Shape[0] : 1;
                Span<byte> target = destination.Slice((int)(offset * rowBytes), (int)(requestRows * rowBytes));
                if (!padded || tensor.Shape.AsSpan(1).SequenceEqual(batchShape.AsSpan(1)))
                {
                    tensor.Data.CopyTo(target);
                }
                else
                {
                    batchShape.CopyTo(rowShape, 0);
                    rowShape[0] = requestRows;
                    TensorCopy.Pad(tensor.Data, tensor.Shape, target, rowShape, elementSize);
                }

                offset += requestRows;
            }
        }
    }

    /// <summary>
    /// Sets a string input: every request's elements, decoded, one after another (strings are never padded, so the
    /// batch is their concatenation along dimension 0). The strings are the one per-request allocation of string models.
    /// </summary>
    private void FillStrings(IModelExecutor executor, int input, List<InferenceRequest> batch, long[] batchShape)
    {
        long total = 1;
        foreach (long d in batchShape)
        {
            total *= d;
        }

        if (_strings.Length < total)
        {
            _strings = new string[Math.Max(total, _strings.Length * 2)];
        }

        int at = 0;
        foreach (InferenceRequest request in batch)
        {
            at += StringTensor.Decode(request.Inputs[input].Data, _strings.AsSpan(at));
        }

        executor.SetStringInput(input, _strings.AsSpan(0, at), batchShape);
        Array.Clear(_strings, 0, at); // hold no request's strings past its run
    }

    /// <summary>Whether every output's dimension 0 equals the batch's rows (the model really batches).</summary>
    public bool OutputsHaveRows(IModelExecutor executor, long rows)
    {
        for (int o = 0; o < _signature.Outputs.Length; o++)
        {
            ReadOnlySpan<long> shape = executor.GetOutputShape(o);
            if (shape.Length == 0 || shape[0] != rows)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Fills <paramref name="batchShape"/>; returns true when some request must be padded into it.</summary>
    private bool ComputeBatchShape(int input, List<InferenceRequest> batch, long rows, long[] batchShape)
    {
        long[] first = batch[0].Inputs[input].Shape;
        first.CopyTo(batchShape, 0);
        if (!_signature.IsBatchable)
        {
            return false;
        }

        batchShape[0] = rows;
        bool padded = false;
        if (_pad)
        {
            for (int r = 1; r < batch.Count; r++)
            {
                long[] shape = batch[r].Inputs[input].Shape;
                for (int d = 1; d < shape.Length; d++)
                {
                    if (shape[d] != batchShape[d])
                    {
                        padded = true;
                        batchShape[d] = Math.Max(batchShape[d], shape[d]);
                    }
                }
            }
        }

        return padded;
    }
}
