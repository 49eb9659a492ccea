using Aot.Server.Batching;

namespace Aot.Server.Hosting;

/// <summary>
/// A batch's requests as generated batch filling sees them: per request and input (by position) its shape and bytes.
/// A view over the batcher's list; valid only during <c>CompiledRunner.TryFillInputs</c>. Every request has passed
/// validation, so its byte length is its shape's element count times the element size.
/// </summary>
public readonly ref struct BatchInputs
{
    private readonly List<InferenceRequest> _requests;

    internal BatchInputs(List<InferenceRequest> requests, long rows)
    {
        _requests = requests;
        Rows = rows;
    }

    /// <summary>Requests in the batch (at least one).</summary>
    public int Count => _requests.Count;

    /// <summary>The batch's dimension 0: the sum of the requests' dimension 0 for a batchable model, else 1.</summary>
    public long Rows { get; }

    /// <summary>The shape of input <paramref name="input"/> of request <paramref name="request"/>.</summary>
    /// <param name="request">The request's position in the batch (its rows come after those of the requests before it).</param>
    /// <param name="input">The input's position.</param>
    /// <returns>The shape as received (its length is the model's declared rank).</returns>
    public ReadOnlySpan<long> Shape(int request, int input) => _requests[request].Inputs[input].Shape;

    /// <summary>Bytes of data request <paramref name="request"/> carries for input <paramref name="input"/>.</summary>
    /// <param name="request">The request's position in the batch.</param>
    /// <param name="input">The input's position.</param>
    /// <returns>The data length.</returns>
    public int ByteLength(int request, int input) => _requests[request].Inputs[input].Length;

    /// <summary>
    /// Copies the bytes of input <paramref name="input"/> of request <paramref name="request"/> to the start of
    /// <paramref name="destination"/> (possibly straight from the connection's receive buffer).
    /// </summary>
    /// <param name="request">The request's position in the batch.</param>
    /// <param name="input">The input's position.</param>
    /// <param name="destination">At least <see cref="ByteLength"/> bytes.</param>
    public void CopyTo(int request, int input, Span<byte> destination) => _requests[request].Inputs[input].CopyTo(destination);
}
