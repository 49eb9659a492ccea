using Aot.Client;
using Aot.Protocol;

namespace Aot.LoadGen.Soak;

/// <summary>
/// Checked client over the binary protocol: the tiny model's rows on a <see cref="BinaryConnectionSlot"/> (several
/// clients pipeline on one connection), every output value compared with the reference. Error frames 429 and 503 are
/// overloads; any other error frame, or the connection failing under the request, is an error.
/// </summary>
internal sealed class BinaryTinySender(BinaryConnectionSlot connection, TinyRequests requests) : ICheckedSender
{
    public string Protocol => "binary";

    public async Task<(AnswerOutcome Outcome, string? Detail)> SendAsync(int sequence, CancellationToken timeout)
    {
        TinyRequest request = requests.Get(sequence);
        AotClient client = await connection.GetAsync(timeout).ConfigureAwait(false);
        try
        {
            using InferResult result = await client.InferAsync("tiny", request.BinaryInputs, cancellationToken: timeout).ConfigureAwait(false);
            return requests.Mismatch(request, result["y"].ToArray<float>()) is { } mismatch
                ? (AnswerOutcome.Wrong, mismatch)
                : (AnswerOutcome.Correct, null);
        }
        catch (AotServerException ex)
        {
            return ex.Code is ErrorCode.Overloaded or ErrorCode.Unavailable
                ? (AnswerOutcome.Overload, null)
                : (AnswerOutcome.Error, $"error frame {ex.Code}: {ex.ServerMessage}");
        }
        catch (Exception ex) when (ex is IOException || (ex is OperationCanceledException && timeout.IsCancellationRequested))
        {
            // A broken connection, or one that left a request unanswered: a client gives up on it and connects again.
            await connection.ReplaceAsync(client).ConfigureAwait(false);
            throw;
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
