using System.Buffers;
using System.IO.Pipelines;
using Aot.Server.Batching;
using Microsoft.AspNetCore.Http;
using Aot.Protocol;

namespace Aot.Server.Http;

/// <summary>A request body read whole into a rented buffer (JSON parsing needs it contiguous).</summary>
internal readonly struct RequestBody(byte[] buffer, int length) : IDisposable
{
    public ReadOnlySpan<byte> Span => buffer.AsSpan(0, length);

    public int Length => length;

    /// <summary>Reads the body, refusing more than <paramref name="maxBytes"/> with 413 before buffering it.</summary>
    public static async ValueTask<RequestBody> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(request.ContentLength.Value, maxBytes);
        }

        PipeReader reader = request.BodyReader;
        while (true)
        {
            ReadResult result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.Length > maxBytes)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                throw TooLarge(buffer.Length, maxBytes);
            }

            if (result.IsCompleted)
            {
                byte[] bytes = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, buffer.Length));
                buffer.CopyTo(bytes);
                int length = (int)buffer.Length;
                reader.AdvanceTo(buffer.End);
                return new RequestBody(bytes, length);
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    public void Dispose()
    {
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static InferenceException TooLarge(long length, long maxBytes) =>
        new(ErrorCode.PayloadTooLarge, $"The request body is {(length >= 0 ? length.ToString(System.Globalization.CultureInfo.InvariantCulture) : "more than")} bytes; the server accepts at most {maxBytes} (--max-payload-bytes).");
}
