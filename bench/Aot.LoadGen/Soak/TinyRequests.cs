using Aot.Client;
using Aot.LoadGen.Workloads;

namespace Aot.LoadGen.Soak;

/// <summary>
/// The tiny-model requests the checked clients send, built once: request <c>n</c> holds rows <c>n mod 64</c>…, one
/// row at a time and every fifth request four rows (so batches mix single- and multi-row requests); one form per
/// protocol.
/// </summary>
internal sealed class TinyRequests : IHttpRequestSet
{
    private readonly TinyRequest[] _requests;

    public TinyRequests(TinyReference reference)
    {
        Reference = reference;
        _requests = [.. Enumerable.Range(0, TinyReference.Rows * 5).Select(n =>
        {
            int first = n % TinyReference.Rows;
            int count = n % 5 == 0 ? 4 : 1;
            TensorData input = reference.Input(first, count);
            return new TinyRequest(first, count, JsonBodies.KServe([input]), [input.ToInputTensor()], Targets.GrpcTarget.Request("tiny", [input]));
        })];
    }

    /// <summary>The expected answers.</summary>
    public TinyReference Reference { get; }

    /// <summary>The request for sequence number <paramref name="sequence"/>.</summary>
    public TinyRequest Get(int sequence) => _requests[(int)((uint)sequence % (uint)_requests.Length)];

    /// <summary>Null when <paramref name="actual"/> answers <paramref name="request"/>; otherwise what differs.</summary>
    public string? Mismatch(TinyRequest request, ReadOnlySpan<float> actual) => Reference.Mismatch(request.First, request.Count, actual);

    /// <summary>KServe V2 JSON body of request <paramref name="sequence"/>.</summary>
    public byte[] Body(int sequence) => Get(sequence).KServeBody;

    /// <summary>Checks a KServe V2 answer's first output.</summary>
    public string? Mismatch(int sequence, byte[] answer) => Mismatch(Get(sequence), HttpAnswers.KServeFirstOutput(answer));
}

/// <summary>One tiny request: its rows, its KServe V2 JSON body, its binary-protocol inputs and its gRPC message.</summary>
internal sealed record TinyRequest(int First, int Count, byte[] KServeBody, IReadOnlyList<InputTensor> BinaryInputs, Inference.ModelInferRequest GrpcRequest);
