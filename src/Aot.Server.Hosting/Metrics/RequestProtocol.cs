namespace Aot.Server.Metrics;

/// <summary>The transport a request came by; the <c>protocol</c> label of <c>aot_requests_by_protocol_total</c>.</summary>
internal enum RequestProtocol
{
    /// <summary>Every HTTP API (KServe V2, TF Serving, TEI / OpenAI text routes).</summary>
    Http,

    /// <summary>The binary protocol (TCP or Unix socket).</summary>
    Binary,

    /// <summary>gRPC (KServe V2 <c>GRPCInferenceService</c>).</summary>
    Grpc,
}

internal static class RequestProtocols
{
    public static int Count => (int)RequestProtocol.Grpc + 1;

    public static string Label(RequestProtocol protocol) => protocol switch
    {
        RequestProtocol.Http => "http",
        RequestProtocol.Binary => "binary",
        _ => "grpc",
    };
}
