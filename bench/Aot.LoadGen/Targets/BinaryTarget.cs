using Aot.Client;
using Aot.LoadGen.Load;
using Aot.LoadGen.Workloads;

namespace Aot.LoadGen.Targets;

/// <summary>The Aot binary protocol through <see cref="AotClient"/>: one TCP connection per virtual client.</summary>
internal sealed class BinaryTarget(string host, int port, Workload workload) : ITarget
{
    public string Protocol => "binary";

    public async ValueTask<IRequestSender> ConnectAsync(CancellationToken cancellationToken) =>
        new Sender(await AotClient.ConnectAsync(host, port, cancellationToken).ConfigureAwait(false), workload);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class Sender(AotClient client, Workload workload) : IRequestSender
    {
        public async ValueTask SendAsync(CancellationToken cancellationToken)
        {
            using InferResult result = await client.InferAsync(workload.Model, workload.BinaryInputs, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        public ValueTask DisposeAsync() => client.DisposeAsync();
    }
}
