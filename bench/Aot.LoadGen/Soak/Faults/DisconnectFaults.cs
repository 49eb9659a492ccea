using Aot.Protocol.Wire;

namespace Aot.LoadGen.Soak.Faults;

/// <summary>An HTTP client that sends the head and half the body of a request, then resets the connection.</summary>
internal sealed class HttpDisconnectMidRequest() : FaultClient("http-disconnect-mid-request", "POST /v2/models/tiny/infer: head and half the body, then a reset")
{
    public override async Task<FaultResult> RunOnceAsync(FaultContext context, int attempt, CancellationToken cancellationToken)
    {
        await using RawConnection connection = await context.HttpAsync(cancellationToken).ConfigureAwait(false);
        await connection.SendAsync(context.PostHead("/v2/models/tiny/infer", context.SmallBody.Length), cancellationToken).ConfigureAwait(false);
        await connection.SendAsync(context.SmallBody.AsMemory(0, context.SmallBody.Length / 2), cancellationToken).ConfigureAwait(false);
        connection.Abort();
        return FaultResult.Ok("reset mid-request");
    }
}

/// <summary>An HTTP client that reads the status line and the first kB of a large answer, then resets the connection.</summary>
internal sealed class HttpDisconnectMidResponse() : FaultClient("http-disconnect-mid-response", $"POST /v2/models/tiny/infer with {FaultContext.LargeRows} rows, reset after the first kB of the answer")
{
    public override async Task<FaultResult> RunOnceAsync(FaultContext context, int attempt, CancellationToken cancellationToken)
    {
        await using RawConnection connection = await context.HttpAsync(cancellationToken).ConfigureAwait(false);
        await connection.SendAsync(context.PostHead("/v2/models/tiny/infer", context.LargeBody.Length), cancellationToken).ConfigureAwait(false);
        await connection.SendAsync(context.LargeBody, cancellationToken).ConfigureAwait(false);
        int? status = await connection.ReadHttpStatusAsync(cancellationToken).ConfigureAwait(false);
        await connection.ReadAsync(new byte[1024], cancellationToken).ConfigureAwait(false);
        connection.Abort();
        return status switch
        {
            200 => FaultResult.Ok("reset mid-response"),
            429 or 503 => FaultResult.Ok($"{status} (overload)"),
            null => FaultResult.Unexpected("closed without an answer"),
            _ => FaultResult.Unexpected($"HTTP {status}"),
        };
    }
}

/// <summary>A binary client that reads the head of a large answer, then resets the connection.</summary>
internal sealed class BinaryDisconnectMidResponse() : FaultClient("binary-disconnect-mid-response", $"InferRequest with {FaultContext.LargeRows} tiny rows, reset after the first kB of the answer")
{
    public override async Task<FaultResult> RunOnceAsync(FaultContext context, int attempt, CancellationToken cancellationToken)
    {
        await using RawConnection connection = await context.BinaryAsync(cancellationToken).ConfigureAwait(false);
        await connection.SendAsync(context.LargeFrame, cancellationToken).ConfigureAwait(false);
        byte[] head = new byte[1024];
        int read = await connection.ReadAsync(head, cancellationToken).ConfigureAwait(false);
        connection.Abort();
        if (read < FrameHeader.Size)
        {
            return read == 0 ? FaultResult.Unexpected("closed without an answer") : FaultResult.Ok("reset mid-response");
        }

        var type = (FrameType)head[4];
        int code = type == FrameType.Error ? RawConnection.ErrorCodeOf(head.AsSpan(FrameHeader.Size, read - FrameHeader.Size).ToArray()) : 0;
        return type switch
        {
            FrameType.InferResponse => FaultResult.Ok("reset mid-response"),
            FrameType.Error when code is 429 or 503 => FaultResult.Ok($"error {code} (overload)"),
            _ => FaultResult.Unexpected($"{type} {code}"),
        };
    }
}

/// <summary>A binary client that sends a frame's header and half its payload, stalls a second, then resets.</summary>
internal sealed class HalfBinaryFrame() : FaultClient("binary-half-frame", "InferRequest header and half its payload, a 1 s stall, then a reset")
{
    public override async Task<FaultResult> RunOnceAsync(FaultContext context, int attempt, CancellationToken cancellationToken)
    {
        await using RawConnection connection = await context.BinaryAsync(cancellationToken).ConfigureAwait(false);
        await connection.SendAsync(context.SmallFrame.AsMemory(0, FrameHeader.Size + ((context.SmallFrame.Length - FrameHeader.Size) / 2)), cancellationToken).ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        connection.Abort();
        return FaultResult.Ok("reset mid-frame");
    }
}
