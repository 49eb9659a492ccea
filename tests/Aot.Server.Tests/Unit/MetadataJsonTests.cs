using System.Buffers;
using System.Text;
using System.Text.Json;
using Aot.Runtime;
using Aot.Server.Batching;
using Aot.Server.Http;
using Aot.Server.Models;
using Aot.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Aot.Server.Tests.Unit;

/// <summary>The fixed documents keep their exact bytes (clients and peers compare them; they were hand-written before).</summary>
public class MetadataJsonTests
{
    [Fact]
    public async Task Documents_keep_their_bytes()
    {
        using ModelRepository repository = ModelLoader.Load([new ModelSource("tiny", 3, TestModels.Tiny)], new ModelOptions { IntraOpThreads = 1 }, new BatcherOptions(), _ => { });
        ServedModel model = repository.All[0];

        Assert.Equal(ServerDocument, Write(json => MetadataJson.WriteServer(json, repository)));
        Assert.Equal(ModelDocument, Write(json => MetadataJson.WriteModel(json, model, repository.Versions(model.Name))));

        var context = new DefaultHttpContext();
        var body = new MemoryStream();
        context.Response.Body = body;
        await HttpErrors.WriteAsync(context, 400, "Input \"x\" <é> is\nwrong");
        Assert.Equal(ErrorDocument, Encoding.UTF8.GetString(body.ToArray()));
        Assert.Equal(400, context.Response.StatusCode);
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, HttpJson.WriterOptions))
        {
            write(json);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string ServerDocument => $$"""
        {"name":"aot","version":"{{MetadataJson.ServerVersion}}","extensions":["binary_tensor_data"],"models":[{"name":"tiny","version":"3","state":"READY"}]}
        """;
    private const string ModelDocument = """
        {"name":"tiny","versions":["3"],"platform":"onnxruntime_onnx","inputs":[{"name":"x","datatype":"FP32","shape":[-1,16]}],"outputs":[{"name":"y","datatype":"FP32","shape":[-1,16]}],"parameters":{"version":"3","device":"cpu","batchable":true,"max_batch_size":32,"producer":"aot-models","graph_name":"tiny","description":"Overhead benchmark: y = Relu(x · W + b)."}}
        """;
    private const string ErrorDocument = """
        {"error":"Input \"x\" <é> is\nwrong"}
        """;
}
