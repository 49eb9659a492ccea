using System.Runtime.InteropServices;
using Aot.Server.Tests.Infrastructure;
using Google.Protobuf;
using Grpc.Net.Client;
using Inference;

namespace Aot.Server.Tests.Grpc;

/// <summary>
/// Grpc.Net.Client over the official KServe V2 proto (compiled client-side in this project), the route docs/grpc.md
/// gives .NET users; plus the request builders the gRPC tests share.
/// </summary>
internal static class GrpcTestClient
{
    public static GrpcChannel Channel(ServerProcess server) =>
        GrpcChannel.ForAddress(server.GrpcAddress, new GrpcChannelOptions { MaxReceiveMessageSize = null, MaxSendMessageSize = null });

    public static GRPCInferenceService.GRPCInferenceServiceClient InferenceClient(GrpcChannel channel) => new(channel);

    /// <summary>Rows of the tiny model's input (float [rows, 16]), the same values the REST tests send.</summary>
    public static float[] TinyValues(int rows) => [.. Enumerable.Range(0, rows * 16).Select(i => (i % 7) - 2f)];

    public static ModelInferRequest.Types.InferInputTensor Input(string name, string datatype, params long[] shape)
    {
        var input = new ModelInferRequest.Types.InferInputTensor { Name = name, Datatype = datatype };
        input.Shape.Add(shape);
        return input;
    }

    /// <summary>A request for the tiny model with its values in typed contents.</summary>
    public static ModelInferRequest TinyTyped(int rows)
    {
        ModelInferRequest.Types.InferInputTensor input = Input("x", "FP32", rows, 16);
        input.Contents = new InferTensorContents();
        input.Contents.Fp32Contents.Add(TinyValues(rows));
        return new ModelInferRequest { ModelName = "tiny", Inputs = { input } };
    }

    /// <summary>A request for the tiny model with its values in raw_input_contents.</summary>
    public static ModelInferRequest TinyRaw(int rows) => new()
    {
        ModelName = "tiny",
        Inputs = { Input("x", "FP32", rows, 16) },
        RawInputContents = { ByteString.CopyFrom(MemoryMarshal.AsBytes(TinyValues(rows).AsSpan())) },
    };

    public static float[] Floats(ByteString raw) => MemoryMarshal.Cast<byte, float>(raw.Span).ToArray();
}
