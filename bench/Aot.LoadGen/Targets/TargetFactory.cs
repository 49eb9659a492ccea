using Aot.LoadGen.Load;
using Aot.LoadGen.Systems;
using Aot.LoadGen.Workloads;

namespace Aot.LoadGen.Targets;

/// <summary>Makes the target of a protocol for a server on <see cref="Ports"/>.</summary>
internal static class TargetFactory
{
    public static ITarget Create(string protocol, Workload workload, Ports ports, int connections, int echoReplyBytes) => protocol switch
    {
        "binary" => new BinaryTarget("127.0.0.1", ports.Tcp, workload),
        "grpc" => new GrpcTarget(new Uri($"http://127.0.0.1:{ports.Grpc}"), workload),
        "kserve-http" => new HttpJsonTarget(protocol, new Uri($"http://127.0.0.1:{ports.Http}/v2/models/{workload.Model}/infer"), workload.KServeBody, connections),
        "peer-http" => new HttpJsonTarget(protocol, new Uri($"http://127.0.0.1:{ports.Http}/infer"), workload.PeerBody, connections),
        "embed-http" => new HttpJsonTarget(protocol, new Uri($"http://127.0.0.1:{ports.Http}/embed"),
            workload.EmbedBody ?? throw new ArgumentException($"Workload '{workload.Name}' has no texts: embed-http needs an embedding workload."), connections),
        "tcp-echo" => new EchoTarget("127.0.0.1", ports.Tcp, workload.BinaryFrame, echoReplyBytes),
        _ => throw new ArgumentException($"Unknown protocol '{protocol}'."),
    };
}
