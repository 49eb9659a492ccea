using System.Runtime.InteropServices;
using Grpc.Core;
using Inference;

namespace Aot.LoadGen.Soak;

/// <summary>
/// Checked client over KServe V2 gRPC: <c>ModelInfer</c> with the tiny request in <c>raw_input_contents</c>, on a channel
/// shared by every gRPC client (HTTP/2 streams on one connection, as a gRPC application uses a channel); checks the
/// raw output's values. <c>RESOURCE_EXHAUSTED</c> (queue full) and <c>UNAVAILABLE</c> are the overload answers, any other
/// status an error.
/// </summary>
internal sealed class GrpcCheckedSender(GRPCInferenceService.GRPCInferenceServiceClient client, TinyRequests requests) : ICheckedSender
{
    public string Protocol => "grpc";

    public async Task<(AnswerOutcome Outcome, string? Detail)> SendAsync(int sequence, CancellationToken timeout)
    {
        TinyRequest request = requests.Get(sequence);
        ModelInferResponse response;
        try
        {
            response = await client.ModelInferAsync(request.GrpcRequest, cancellationToken: timeout).ConfigureAwait(false);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.ResourceExhausted or StatusCode.Unavailable && !timeout.IsCancellationRequested)
        {
            return (AnswerOutcome.Overload, null);
        }
        catch (RpcException ex) when (!timeout.IsCancellationRequested)
        {
            return (AnswerOutcome.Error, $"{ex.StatusCode}: {ex.Status.Detail}");
        }

        if (response.RawOutputContents.Count != 1)
        {
            return (AnswerOutcome.Wrong, $"{response.RawOutputContents.Count} raw outputs, expected 1");
        }

        ReadOnlySpan<float> values = MemoryMarshal.Cast<byte, float>(response.RawOutputContents[0].Span);
        return requests.Mismatch(request, values) is { } mismatch ? (AnswerOutcome.Wrong, mismatch) : (AnswerOutcome.Correct, null);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
