using System.CommandLine;
using Aot.LoadGen.Workloads;

namespace Aot.LoadGen;

/// <summary>
/// <c>body --workload NAME [--protocol P]</c>: writes the exact HTTP request body a workload sends to stdout, to try a
/// server by hand (<c>aot-loadgen body --workload embed-long-b32 | curl --data-binary @- localhost:8000/embed</c>) or
/// to drive it with a native load tool (bench/grpc.sh gives h2load the <c>grpc</c> body).
/// </summary>
internal static class BodyCommand
{
    public static Command Create()
    {
        var workload = new Option<string>("--workload") { Description = "A workload name (see 'run --help').", Required = true };
        var protocol = new Option<string?>("--protocol") { Description = "kserve-http, peer-http or grpc (the length-prefixed ModelInferRequest with raw contents) for a tensor workload; an embedding workload has its /embed body only." };
        var command = new Command("body", "Print a workload's HTTP request body.") { workload, protocol };
        command.SetAction(result =>
        {
            Workload w = WorkloadCatalog.Get(result.GetValue(workload)!);
            byte[] body = (w.IsEmbedding, result.GetValue(protocol)) switch
            {
                (true, null or "embed-http") => w.EmbedBody!,
                (false, null or "peer-http") => w.PeerBody,
                (false, "kserve-http") => w.KServeBody,
                (false, "grpc") => Targets.GrpcTarget.FramedBody(w),
                (_, var p) => throw new ArgumentException($"Workload '{w.Name}' has no '{p}' body."),
            };
            using Stream stdout = Console.OpenStandardOutput();
            stdout.Write(body);
            return 0;
        });
        return command;
    }
}
