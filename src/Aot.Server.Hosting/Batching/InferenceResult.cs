using Aot.Server.Models;

namespace Aot.Server.Batching;

/// <summary>
/// One request's view of a finished batch: its rows of each output, trimmed back to its own sizes when the batch
/// was padded. Reads straight from the executor's output buffers, so it is only valid during
/// <see cref="InferenceRequest.OnCompleted"/>; a protocol that answers later must copy.
/// </summary>
internal readonly ref struct InferenceResult
{
    private readonly IModelExecutor _executor;
    private readonly InferenceRequest _request;
    private readonly long _rowOffset;

    public InferenceResult(IModelExecutor executor, InferenceRequest request, long rowOffset)
    {
        _executor = executor;
        _request = request;
        _rowOffset = rowOffset;
    }

    public ServingSignature Signature => _request.Signature;

    /// <summary>Writes this request's shape of output <paramref name="index"/> into <paramref name="shape"/> (length = rank).</summary>
    public void GetShape(int index, Span<long> shape)
    {
        ReadOnlySpan<long> batchShape = _executor.GetOutputShape(index);
        batchShape.CopyTo(shape);
        if (!_request.Signature.IsBatchable)
        {
            return;
        }

        shape[0] = _request.Rows;
        SymbolSource[] sources = _request.Signature.OutputDimSources[index];
        for (int d = 1; d < shape.Length && d < sources.Length; d++)
        {
            // A dimension named like an input's dimension takes the request's own size (trims padding).
            if (sources[d].Exists)
            {
                long own = _request.Inputs[sources[d].Input].Shape[sources[d].Dim];
                if (own <= shape[d])
                {
                    shape[d] = own;
                }
            }
        }
    }

    /// <summary>Rank of output <paramref name="index"/>.</summary>
    public int GetRank(int index) => _executor.GetOutputShape(index).Length;

    /// <summary>
    /// This request's bytes of output <paramref name="index"/> when they are one contiguous run of the batch output
    /// (no trimming needed): the zero-copy path. False when the caller must use <see cref="CopyTo"/>.
    /// </summary>
    public bool TryGetContiguous(int index, scoped Span<long> shapeScratch, out ReadOnlySpan<byte> bytes)
    {
        if (_request.Signature.Outputs[index].IsString)
        {
            bytes = default; // strings are encoded on the way out (StringTensor form)
            return false;
        }

        ReadOnlySpan<byte> rows = GetRowsAsBatched(index, out ReadOnlySpan<long> batchShape);
        if (_request.Signature.IsBatchable)
        {
            GetShape(index, shapeScratch);
            if (!shapeScratch[1..].SequenceEqual(batchShape[1..]))
            {
                bytes = default;
                return false;
            }
        }

        bytes = rows;
        return true;
    }

    /// <summary>
    /// This request's rows of output <paramref name="index"/> exactly as the batch holds them — padded positions
    /// included, no copy — and the batch's shape of that output (its dimension 0 is the whole batch's). For readers that
    /// walk the rows themselves and skip the padding (embedding pooling); a numeric output of a batchable model only.
    /// </summary>
    public ReadOnlySpan<byte> GetRowsAsBatched(int index, out ReadOnlySpan<long> batchShape)
    {
        batchShape = _executor.GetOutputShape(index);
        ReadOnlySpan<byte> all = _executor.GetOutputBytes(index);
        if (!_request.Signature.IsBatchable)
        {
            return all;
        }

        long rowBytes = RowBytes(batchShape, _request.Signature.Outputs[index].ElementSize);
        return all.Slice((int)(_rowOffset * rowBytes), (int)(_request.Rows * rowBytes));
    }

    /// <summary>Copies this request's (trimmed) part of output <paramref name="index"/> to <paramref name="destination"/>.</summary>
    public void CopyTo(int index, Span<byte> destination)
    {
        if (_request.Signature.Outputs[index].IsString)
        {
            WriteStrings(index, destination);
            return;
        }

        Span<long> shape = stackalloc long[GetRank(index)];
        if (TryGetContiguous(index, shape, out ReadOnlySpan<byte> bytes))
        {
            bytes.CopyTo(destination);
            return;
        }

        ReadOnlySpan<byte> rows = GetRowsAsBatched(index, out ReadOnlySpan<long> batchShape);
        int elementSize = _request.Signature.Outputs[index].ElementSize;
        Span<long> large = stackalloc long[batchShape.Length];
        batchShape.CopyTo(large);
        large[0] = _request.Rows;
        TensorCopy.Trim(rows, large, destination, shape, elementSize);
    }

    /// <summary>Bytes of this request's part of output <paramref name="index"/>.</summary>
    public long GetByteCount(int index)
    {
        if (_request.Signature.Outputs[index].IsString)
        {
            return WriteStrings(index, default, measureOnly: true);
        }

        Span<long> shape = stackalloc long[GetRank(index)];
        GetShape(index, shape);
        return TensorCopy.ByteCount(shape, _request.Signature.Outputs[index].ElementSize);
    }

    /// <summary>
    /// Encodes this request's elements of string output <paramref name="index"/> (its rows, trimmed to its own
    /// sizes) in <see cref="StringTensor"/> form; returns the bytes they take.
    /// </summary>
    private long WriteStrings(int index, Span<byte> destination, bool measureOnly = false)
    {
        string[] all = _executor.GetStringOutput(index);
        ReadOnlySpan<long> large = _executor.GetOutputShape(index);
        Span<long> small = stackalloc long[large.Length];
        GetShape(index, small);
        if (large.Length == 0)
        {
            return measureOnly ? StringTensor.ByteCount(all) : StringTensor.Encode(all, destination);
        }

        // Walk the request's elements (an odometer over its own shape) and map each to its index in the batch output.
        long rowOffset = _request.Signature.IsBatchable ? _rowOffset : 0;
        long count = 1;
        foreach (long d in small)
        {
            count *= d;
        }

        Span<long> at = stackalloc long[small.Length];
        at.Clear();
        long bytes = 0;
        for (long e = 0; e < count; e++)
        {
            long flat = rowOffset + at[0];
            for (int d = 1; d < large.Length; d++)
            {
                flat = (flat * large[d]) + at[d];
            }

            string value = all[flat] ?? string.Empty;
            bytes += measureOnly
                ? StringTensor.PrefixSize + System.Text.Encoding.UTF8.GetByteCount(value)
                : StringTensor.Write(value, destination[(int)bytes..]);
            for (int d = small.Length - 1; d >= 0 && ++at[d] == small[d]; d--)
            {
                at[d] = 0;
            }
        }

        return bytes;
    }

    private static long RowBytes(ReadOnlySpan<long> shape, int elementSize) => TensorCopy.ByteCount(shape[1..], elementSize);
}
