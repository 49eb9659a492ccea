using Aot.LoadGen.Load;
using Aot.LoadGen.Workloads;
using Aot.Runtime;

namespace Aot.LoadGen.Targets;

/// <summary>
/// The compute floor: the model run in this process through <see cref="ModelRunner"/> (ONNX Runtime with
/// IoBinding, no network, no serialisation). Each request copies the inputs into the runner's buffers (as the
/// server copies them from the socket) and runs; one runner per virtual client.
/// </summary>
internal sealed class InProcessTarget(OnnxModel model, Workload workload) : ITarget
{
    public string Protocol => "in-process";

    public ValueTask<IRequestSender> ConnectAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IRequestSender>(new Sender(model.CreateRunner(), workload));

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class Sender(ModelRunner runner, Workload workload) : IRequestSender
    {
        public ValueTask SendAsync(CancellationToken cancellationToken)
        {
            foreach (TensorData input in workload.Inputs)
            {
                input.Bytes.CopyTo(runner.GetInputBytes(runner.Model.Metadata.GetInputIndex(input.Name), input.Shape));
            }

            runner.Run();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            runner.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
