using Aot.Protocol.Wire;

namespace Aot.LoadGen.Soak.Faults;

/// <summary>An HTTP POST whose Content-Length is over <c>--max-payload-bytes</c>: 413 must come back before the body is read.</summary>
internal sealed class OversizedHttp() : FaultClient("http-oversized", "POST /v2/models/tiny/infer declaring 1 MiB over --max-payload-bytes, 64 kB of it sent")
{
    public override TimeSpan Pause => TimeSpan.FromMilliseconds(500);

    public override async Task<FaultResult> RunOnceAsync(FaultContext context, int attempt, CancellationToken cancellationToken)
    {
        await using RawConnection connection = await context.HttpAsync(cancellationToken).ConfigureAwait(false);
        await connection.SendAsync(context.PostHead("/v2/models/tiny/infer", context.MaxPayloadBytes + (1 << 20)), cancellationToken).ConfigureAwait(false);
        await connection.SendAsync(new byte[64 << 10], cancellationToken).ConfigureAwait(false);
        int? status = await connection.ReadHttpStatusAsync(cancellationToken).ConfigureAwait(false);
        connection.Abort();
        return status == 413 ? FaultResult.Ok("413") : FaultResult.Unexpected(status is { } s ? $"HTTP {s}" : "closed without 413");
    }
}

/// <summary>
/// A binary frame whose payload is over <c>--max-payload-bytes</c>, sent whole: the server answers Error 413, skips the
/// payload and keeps serving the connection, which then gets a correct answer to a well-formed request.
/// </summary>
internal sealed class OversizedBinary() : FaultClient("binary-oversized", "InferRequest frame with a payload 1 byte over --max-payload-bytes, then a good request on the same connection")
{
    public override TimeSpan Pause => TimeSpan.FromMilliseconds(500);

    public override async Task<FaultResult> RunOnceAsync(FaultContext context, int attempt, CancellationToken cancellationToken)
    {
        await using RawConnection connection = await context.BinaryAsync(cancellationToken).ConfigureAwait(false);
        long length = context.MaxPayloadBytes + 1;
        byte[] frame = new byte[FrameHeader.Size + length];
        new FrameHeader((uint)length, FrameType.InferRequest, 7).Write(frame);
        await connection.SendAsync(frame, cancellationToken).ConfigureAwait(false);
        if (await connection.ReadFrameAsync(cancellationToken).ConfigureAwait(false) is not { } refusal)
        {
            return FaultResult.Unexpected("closed without an answer");
        }

        if (refusal.Type != FrameType.Error || RawConnection.ErrorCodeOf(refusal.Payload) != 413)
        {
            return FaultResult.Unexpected($"{refusal.Type} {RawConnection.ErrorCodeOf(refusal.Payload)} instead of Error 413");
        }

        await connection.SendAsync(context.SmallFrame, cancellationToken).ConfigureAwait(false);
        return await connection.ReadFrameAsync(cancellationToken).ConfigureAwait(false) switch
        {
            null => FaultResult.Unexpected("413, then the connection closed"),
            { Type: FrameType.InferResponse } => FaultResult.Ok("413, then served"),
            { Type: FrameType.Error } next when RawConnection.ErrorCodeOf(next.Payload) is 429 or 503 => FaultResult.Ok("413, then overload"),
            { } next => FaultResult.Unexpected($"413, then {next.Type} {RawConnection.ErrorCodeOf(next.Payload)}"),
        };
    }
}
