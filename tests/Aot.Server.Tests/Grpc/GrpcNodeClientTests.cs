using System.Text.Json;
using Aot.Models;
using Aot.Server.Tests.Infrastructure;

namespace Aot.Server.Tests.Grpc;

/// <summary>
/// A client in another language, generated from the official proto: tests/clients/node/grpc.mjs (@grpc/grpc-js and
/// @grpc/proto-loader loading shared/specs/grpc_predict_v2.proto as it is) sends the same inputs to the REST route and
/// to gRPC ModelInfer with typed and with raw contents; every output must agree, on the real all-MiniLM-L6-v2 and the
/// generated BERT-base, ResNet-50 and LSTM models.
/// </summary>
public sealed class GrpcNodeClientTests
{
    private static readonly string[] Models = ["minilm", "bert", "resnet50", "lstm"];

    [Fact]
    public async Task Node_grpc_client_gets_the_REST_outputs_with_typed_and_raw_contents()
    {
        string proto = Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "specs", "grpc_predict_v2.proto"));
        Assert.True(File.Exists(proto), $"the official proto is expected beside the repository: {proto}");
        await NodeClients.InstallAsync();
        ServerProcess server = await ServerProcess.StartAsync(RepoPaths.BuiltServer, [.. Models.SelectMany(static m => new[] { "--model", $"{m}={ModelStore.GetPath(m)}" })]);
        await using (server)
        {
            string output = await NodeClients.RunAsync("node", ["grpc.mjs", proto, $"127.0.0.1:{server.GrpcPort}", $"http://127.0.0.1:{server.HttpPort}", .. Models]);
            using JsonDocument result = JsonDocument.Parse(output);
            JsonElement root = result.RootElement;
            Assert.True(root.GetProperty("ready").GetBoolean());
            foreach (string model in Models)
            {
                JsonElement outputs = root.GetProperty(model);
                Assert.True(outputs.GetArrayLength() > 0, model);
                foreach (JsonElement tensor in outputs.EnumerateArray())
                {
                    string what = $"{model}/{tensor.GetProperty("name").GetString()}";
                    long[] shape = Longs(tensor.GetProperty("restShape"));
                    Assert.True(shape.Aggregate(1L, static (a, b) => a * b) > 0, what);
                    Assert.Equal(shape, Longs(tensor.GetProperty("typedShape")));
                    Assert.Equal(shape, Longs(tensor.GetProperty("rawShape")));
                    Assert.Equal(0, tensor.GetProperty("typedRawContents").GetInt32()); // a typed request gets a typed answer
                    double[] rest = Doubles(tensor.GetProperty("rest"));
                    AssertClose(rest, Doubles(tensor.GetProperty("typed")), what + " (typed contents)");
                    AssertClose(rest, Doubles(tensor.GetProperty("raw")), what + " (raw contents)");
                }
            }
        }
    }

    private static long[] Longs(JsonElement array) => [.. array.EnumerateArray().Select(static v => v.GetInt64())];

    private static double[] Doubles(JsonElement array) => [.. array.EnumerateArray().Select(static v => v.GetDouble())];

    /// <summary>Equal to float32 precision (JSON prints floats shortest-round-trip; the protocols carry the same float32s).</summary>
    private static void AssertClose(double[] expected, double[] actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, REST has {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"{what}[{i}]: REST {expected[i]}, gRPC {actual[i]}");
        }
    }
}
