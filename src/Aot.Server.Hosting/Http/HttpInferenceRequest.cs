using System.Buffers;
using System.Text.Json;
using Aot.Server.Batching;
using Aot.Server.Models;
using Microsoft.Extensions.ObjectPool;

namespace Aot.Server.Http;

/// <summary>
/// An inference request that arrived over HTTP. The batch worker copies this request's outputs into its own
/// buffers and signals the awaiting handler, which then writes JSON on a request thread (never the worker's).
/// Pooled per model together with its response buffer and JSON writer.
/// </summary>
internal sealed class HttpInferenceRequest : OutputCopyingRequest
{
    private readonly ObjectPool<HttpInferenceRequest> _pool;

    public HttpInferenceRequest(ServedModel model, ObjectPool<HttpInferenceRequest> pool) : base(model)
    {
        _pool = pool;
        BinaryOutputs = new bool[model.Signature.Outputs.Length];
        Json = new Utf8JsonWriter(Body, HttpJson.WriterOptions);
    }

    /// <summary>KServe: outputs to send in the binary tensor data extension instead of JSON.</summary>
    public bool[] BinaryOutputs { get; }

    /// <summary>The response body, reused across requests.</summary>
    public ArrayBufferWriter<byte> Body { get; } = new(4096);

    /// <summary>A JSON writer over <see cref="Body"/>, reused across requests.</summary>
    public Utf8JsonWriter Json { get; }

    protected override void Recycle()
    {
        ResetOutputs();
        Array.Clear(BinaryOutputs);
        Body.ResetWrittenCount();
        Json.Reset(Body);
        _pool.Return(this);
    }
}
