using Aot.LoadGen.Workloads;

namespace Aot.LoadGen.Soak.Faults;

/// <summary>Where the fault clients connect and the requests they mangle, built once.</summary>
internal sealed class FaultContext
{
    /// <summary>Rows of the large tiny request whose answer a client abandons half read (an answer of tens of kB).</summary>
    public const int LargeRows = 512;

    public FaultContext(string host, int httpPort, int binaryPort, TinyReference reference, long maxPayloadBytes)
    {
        Host = host;
        HttpPort = httpPort;
        BinaryPort = binaryPort;
        MaxPayloadBytes = maxPayloadBytes;
        var small = new Workload("fault-small", "tiny", "one tiny row", [reference.Input(0, 1)]);
        var large = new Workload("fault-large", "tiny", "many tiny rows", [reference.Input(0, LargeRows)]);
        SmallBody = small.KServeBody;
        LargeBody = large.KServeBody;
        SmallFrame = small.BinaryFrame;
        LargeFrame = large.BinaryFrame;
    }

    public string Host { get; }

    public int HttpPort { get; }

    public int BinaryPort { get; }

    /// <summary>The server's <c>--max-payload-bytes</c>.</summary>
    public long MaxPayloadBytes { get; }

    /// <summary>KServe V2 body of one tiny row.</summary>
    public byte[] SmallBody { get; }

    /// <summary>KServe V2 body of <see cref="LargeRows"/> tiny rows.</summary>
    public byte[] LargeBody { get; }

    /// <summary>Binary InferRequest frame of one tiny row (request id 1).</summary>
    public byte[] SmallFrame { get; }

    /// <summary>Binary InferRequest frame of <see cref="LargeRows"/> tiny rows (request id 1).</summary>
    public byte[] LargeFrame { get; }

    /// <summary>The request head of a POST with this body length (and extra header lines, each ending in CRLF).</summary>
    public byte[] PostHead(string path, long contentLength, string extraHeaders = "") => System.Text.Encoding.ASCII.GetBytes(
        $"POST {path} HTTP/1.1\r\nHost: {Host}:{HttpPort}\r\nContent-Type: application/json\r\nContent-Length: {contentLength}\r\n{extraHeaders}\r\n");

    /// <summary>Opens a plain connection to the HTTP port.</summary>
    public Task<RawConnection> HttpAsync(CancellationToken cancellationToken) => RawConnection.ConnectAsync(Host, HttpPort, cancellationToken);

    /// <summary>Opens a plain connection to the binary port.</summary>
    public Task<RawConnection> BinaryAsync(CancellationToken cancellationToken) => RawConnection.ConnectAsync(Host, BinaryPort, cancellationToken);
}
