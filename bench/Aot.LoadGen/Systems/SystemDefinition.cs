using Aot.LoadGen.Workloads;

namespace Aot.LoadGen.Systems;

/// <summary>
/// A system under test that runs as its own process: its name in the results, the protocols it is measured
/// over, how to start it for a model, how to tell it is ready, and its settings as recorded in the results.
/// </summary>
/// <param name="Name">Name in the results, e.g. <c>aot</c>, <c>aot-batch</c>, <c>aspnet-ort</c>.</param>
/// <param name="Kind"><c>aot</c>, <c>peer</c> or <c>floor</c>.</param>
/// <param name="Protocols">Protocols measured: <c>binary</c>, <c>kserve-http</c>, <c>grpc</c>, <c>peer-http</c>, <c>tcp-echo</c>.</param>
/// <param name="Launch">The command for a model file and ports.</param>
/// <param name="ReadyUrl">HTTP URL that answers 200 when ready; null: ready when the TCP port accepts.</param>
/// <param name="Settings">What the results record about this system (threads, batching, versions …).</param>
/// <param name="ServesEmbed">Whether it serves TEI's <c>POST /embed</c> (measured as <c>embed-http</c> on the embedding workloads).</param>
/// <param name="Int8">Whether it serves the int8 model (<see cref="Int8Models"/>) instead of the fp32 one.</param>
internal sealed record SystemDefinition(
    string Name,
    string Kind,
    IReadOnlyList<string> Protocols,
    Func<Workload, string, Ports, ServerLaunch> Launch,
    Func<Ports, Uri?> ReadyUrl,
    IReadOnlyDictionary<string, string> Settings,
    bool ServesEmbed = false,
    bool Int8 = false)
{
    /// <summary>The protocols measured on <paramref name="workload"/>: <c>embed-http</c> for an embedding workload (none if not served).</summary>
    public IReadOnlyList<string> ProtocolsFor(Workload workload) =>
        !workload.IsEmbedding ? Protocols : ServesEmbed ? ["embed-http"] : [];
}
