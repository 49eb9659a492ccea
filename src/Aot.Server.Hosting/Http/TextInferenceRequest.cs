using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Aot.Server.Batching;
using Aot.Server.Models;

namespace Aot.Server.Http;

/// <summary>
/// A tokenized text request (embedding or classification) awaited by its HTTP handler: Int64 <c>[rows, length]</c>
/// encoder inputs, and a JSON response body with its writer, both reused across the requests of a pool.
/// </summary>
internal abstract class TextInferenceRequest : AwaitedInferenceRequest
{
    // A pooled request keeps what one text of a usual size needs: 8 texts × 512 tokens × 8 bytes per input, and a
    // 256 KiB body; a burst of bigger requests (32 long texts, /embed_all's per-token vectors) is not kept resident.
    private const int KeepBodyBytes = 256 << 10;

    protected TextInferenceRequest(ServedModel model) : base(model) => Json = new Utf8JsonWriter(Body, HttpJson.WriterOptions);

    /// <summary>The response body, reused across requests (replaced when a big response grew it past <see cref="KeepBodyBytes"/>).</summary>
    public ArrayBufferWriter<byte> Body { get; private set; } = new(4096);

    /// <summary>A JSON writer over <see cref="Body"/>, reused across requests.</summary>
    public Utf8JsonWriter Json { get; }

    protected override int KeepInputBytes => 8 * 512 * sizeof(long);

    /// <summary>Clears the awaited state and the body for the next request (call from <c>Recycle</c> before returning to the pool).</summary>
    protected void ResetText()
    {
        ResetAwaited();
        if (Body.Capacity > KeepBodyBytes)
        {
            Body = new ArrayBufferWriter<byte>(4096);
        }

        Body.ResetWrittenCount();
        Json.Reset(Body);
    }

    /// <summary>Sets input <paramref name="index"/> to Int64 <c>[rows, length]</c> and returns its elements to fill.</summary>
    protected Span<long> Input(int index, int rows, int length)
    {
        TensorBuffer tensor = Inputs[index];
        tensor.Shape[0] = rows;
        tensor.Shape[1] = length;
        tensor.IsSet = true;
        return MemoryMarshal.Cast<byte, long>(tensor.Allocate(checked(rows * length * sizeof(long))));
    }
}
