using Aot.LoadGen.Load;
using Aot.LoadGen.Workloads;
using Google.Protobuf;
using Grpc.Net.Client;
using Inference;

namespace Aot.LoadGen.Targets;

/// <summary>
/// KServe V2 over gRPC (<c>grpc</c>): <c>ModelInfer</c> with the workload's tensors in <c>raw_input_contents</c> (the
/// protocol's fast path), through Grpc.Net.Client and the official proto. One channel (one HTTP/2 connection) per
/// virtual client, like the binary protocol's one TCP connection per client; the request message is built once.
/// </summary>
internal sealed class GrpcTarget : ITarget
{
    private readonly Uri _address;
    private readonly ModelInferRequest _request;

    public GrpcTarget(Uri address, Workload workload)
    {
        _address = address;
        _request = Request(workload);
    }

    /// <summary>The workload's <c>ModelInferRequest</c>: every input in <c>raw_input_contents</c>.</summary>
    public static ModelInferRequest Request(Workload workload) => Request(workload.Model, workload.Inputs);

    /// <summary>A <c>ModelInferRequest</c> to <paramref name="model"/> with every input in <c>raw_input_contents</c>.</summary>
    public static ModelInferRequest Request(string model, IEnumerable<TensorData> inputs)
    {
        var request = new ModelInferRequest { ModelName = model };
        foreach (TensorData input in inputs)
        {
            var tensor = new ModelInferRequest.Types.InferInputTensor { Name = input.Name, Datatype = input.KServeDataType };
            tensor.Shape.Add(input.Shape);
            request.Inputs.Add(tensor);
            request.RawInputContents.Add(UnsafeByteOperations.UnsafeWrap(input.Bytes));
        }

        return request;
    }

    /// <summary>
    /// The request as an HTTP/2 body of a gRPC call (a length-prefixed message: flag 0, big-endian length, bytes), for a
    /// native HTTP/2 load tool such as h2load to send.
    /// </summary>
    public static byte[] FramedBody(Workload workload)
    {
        byte[] message = Request(workload).ToByteArray();
        var body = new byte[5 + message.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)message.Length);
        message.CopyTo(body, 5);
        return body;
    }

    public string Protocol => "grpc";

    public ValueTask<IRequestSender> ConnectAsync(CancellationToken cancellationToken)
    {
        var channel = GrpcChannel.ForAddress(_address, new GrpcChannelOptions { MaxReceiveMessageSize = null, MaxSendMessageSize = null });
        return ValueTask.FromResult<IRequestSender>(new Sender(channel, _request));
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class Sender(GrpcChannel channel, ModelInferRequest request) : IRequestSender
    {
        private readonly GRPCInferenceService.GRPCInferenceServiceClient _client = new(channel);

        public async ValueTask SendAsync(CancellationToken cancellationToken)
        {
            // A failed call throws RpcException with the server's status and message: counted as an error by the runner.
            ModelInferResponse response = await _client.ModelInferAsync(request, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (response.RawOutputContents.Count == 0)
            {
                throw new InvalidOperationException("A raw-contents request got no raw_output_contents.");
            }
        }

        public ValueTask DisposeAsync()
        {
            channel.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
