namespace Aot.LoadGen.Soak.Faults;

/// <summary>
/// Slow clients: a request trickled one byte every <see cref="Interval"/>, its head or its body. Either answer is
/// right: served once the request is whole, or cut off by the server's read timeouts (408 or a close); a 5xx or an
/// attempt that outlives the runner's limit is not.
/// </summary>
internal abstract class SlowHttpClient(string name, string what) : FaultClient(name, what)
{
    /// <summary>Time between two bytes.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    public override int Concurrency => 4;

    protected static async Task<FaultResult> FinishAsync(RawConnection connection, bool whole, CancellationToken cancellationToken)
    {
        if (!whole)
        {
            return FaultResult.Ok("cut off by the server");
        }

        int? status = await connection.ReadHttpStatusAsync(cancellationToken).ConfigureAwait(false);
        return status switch
        {
            null => FaultResult.Ok("cut off by the server"),
            200 or 408 or 429 or 503 => FaultResult.Ok(status.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            _ => FaultResult.Unexpected($"HTTP {status}"),
        };
    }
}

/// <summary>Trickles the request head, then sends the body at once.</summary>
internal sealed class SlowHeaders() : SlowHttpClient("http-slow-headers", $"POST /v2/models/tiny/infer, head trickled one byte every {Interval.TotalMilliseconds:0} ms")
{
    public override async Task<FaultResult> RunOnceAsync(FaultContext context, int attempt, CancellationToken cancellationToken)
    {
        await using RawConnection connection = await context.HttpAsync(cancellationToken).ConfigureAwait(false);
        bool whole = await connection.TrickleAsync(context.PostHead("/v2/models/tiny/infer", context.SmallBody.Length), Interval, cancellationToken).ConfigureAwait(false);
        if (whole)
        {
            try
            {
                await connection.SendAsync(context.SmallBody, cancellationToken).ConfigureAwait(false);
            }
            catch (System.Net.Sockets.SocketException)
            {
                // The header timeout closed the connection as the head's last byte went out: a broken pipe on the body.
                return FaultResult.Ok("cut off by the server");
            }
        }

        return await FinishAsync(connection, whole, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>Sends the head at once, then trickles the body.</summary>
internal sealed class SlowBody() : SlowHttpClient("http-slow-body", $"POST /v2/models/tiny/infer, body trickled one byte every {Interval.TotalMilliseconds:0} ms")
{
    public override async Task<FaultResult> RunOnceAsync(FaultContext context, int attempt, CancellationToken cancellationToken)
    {
        await using RawConnection connection = await context.HttpAsync(cancellationToken).ConfigureAwait(false);
        await connection.SendAsync(context.PostHead("/v2/models/tiny/infer", context.SmallBody.Length), cancellationToken).ConfigureAwait(false);
        bool whole = await connection.TrickleAsync(context.SmallBody, Interval, cancellationToken).ConfigureAwait(false);
        return await FinishAsync(connection, whole, cancellationToken).ConfigureAwait(false);
    }
}
