using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

// The peer request format (bench/peers/README.md):
//   POST /infer {"inputs": {"NAME": {"datatype": "FP32"|"INT64", "shape": [...], "data": [flat numbers]}}}
//   200         {"outputs": {"NAME": {"datatype": "FP32", "shape": [...], "data": [...]}}}
string model = Arg("--model") ?? throw new ArgumentException("--model PATH is required");
int port = int.Parse(Arg("--port") ?? "8080", System.Globalization.CultureInfo.InvariantCulture);
int threads = int.Parse(Arg("--threads") ?? "0", System.Globalization.CultureInfo.InvariantCulture);

using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
using var session = new InferenceSession(model, options);

var builder = WebApplication.CreateBuilder(args);
builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 64 * 1024 * 1024);
var app = builder.Build();

app.MapGet("/health", () => Results.Ok(new { ready = true }));
app.MapPost("/infer", (InferRequest request) =>
{
    var inputs = new List<NamedOnnxValue>();
    foreach (var (name, tensor) in request.Inputs)
    {
        int[] shape = tensor.Shape.Select(d => (int)d).ToArray();
        inputs.Add(tensor.Datatype switch
        {
            "FP32" => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(tensor.Data.Deserialize<float[]>()!, shape)),
            "INT64" => NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(tensor.Data.Deserialize<long[]>()!, shape)),
            _ => throw new BadHttpRequestException($"Unsupported datatype {tensor.Datatype}"),
        });
    }

    using var results = session.Run(inputs);
    var outputs = new Dictionary<string, OutputTensor>();
    foreach (var result in results)
    {
        var values = result.AsTensor<float>();
        outputs[result.Name] = new OutputTensor("FP32", values.Dimensions.ToArray(), values.ToArray());
    }

    return Results.Ok(new InferResponse(outputs));
});

app.Run();

string? Arg(string name)
{
    int at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}

internal sealed record InputTensor(string Datatype, long[] Shape, JsonElement Data);

internal sealed record InferRequest(Dictionary<string, InputTensor> Inputs);

internal sealed record OutputTensor(string Datatype, int[] Shape, float[] Data);

internal sealed record InferResponse(Dictionary<string, OutputTensor> Outputs);
