using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Aot.Models.Onnx;
using Aot.Server.Tests.Infrastructure;
using Aot.Protocol;

namespace Aot.Server.Tests.EndToEnd;

public sealed class HttpApiTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private HttpClient Http => fixture.Server.Http;

    private async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string path, string json)
    {
        using HttpResponseMessage response = await Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static string TinyInput(int rows, float scale = 1) =>
        "[" + string.Join(",", Enumerable.Range(0, rows * 16).Select(i => ((i % 7) * scale - 2).ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";

    [Fact]
    public async Task Health_server_and_model_metadata()
    {
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/v2/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/v2/health/ready")).StatusCode);
        JsonNode server = JsonNode.Parse(await Http.GetStringAsync("/v2"))!;
        Assert.Equal("aot", (string?)server["name"]);
        JsonNode bert = JsonNode.Parse(await Http.GetStringAsync("/v2/models/bert"))!;
        Assert.Equal("input_ids", (string?)bert["inputs"]![0]!["name"]);
        Assert.Equal("INT64", (string?)bert["inputs"]![0]!["datatype"]);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/v2/models/tiny/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/v2/models/tiny/versions/1")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/v2/models/tiny/versions/2")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Http.GetAsync("/v2/models/nope")).StatusCode);
        JsonNode status = JsonNode.Parse(await Http.GetStringAsync("/v1/models/tiny"))!;
        Assert.Equal("AVAILABLE", (string?)status["model_version_status"]![0]!["state"]);
    }

    public static TheoryData<ElementType, string> EveryType => new()
    {
        { ElementType.Float, "[1.5,-2,3.25,0,1E-07,-1000000]" },
        { ElementType.Double, "[1.000000000001,-2,1E+300,0,5E-324,-1]" },
        { ElementType.Float16, "[0.5,-2,65504,0,0.099975586,-1]" },
        { ElementType.BFloat16, "[1,-2.5,256,0,0.1015625,-1]" },
        { ElementType.Int8, "[-128,0,127,1,2,3]" },
        { ElementType.Int16, "[-32768,1,32767,1,2,3]" },
        { ElementType.Int32, "[-2147483648,2,2147483647,1,2,3]" },
        { ElementType.Int64, "[-9223372036854775808,3,9223372036854775807,1,2,3]" },
        { ElementType.UInt8, "[0,1,255,1,2,3]" },
        { ElementType.UInt16, "[0,1,65535,1,2,3]" },
        { ElementType.UInt32, "[0,1,4294967295,1,2,3]" },
        { ElementType.UInt64, "[0,1,18446744073709551615,1,2,3]" },
        { ElementType.Bool, "[true,false,true,false,false,true]" },
    };

    [Theory]
    [MemberData(nameof(EveryType))]
    public async Task Every_element_type_round_trips_through_kserve_and_tf_serving(ElementType type, string data)
    {
        string model = ServerFixture.IdentityModel(type);
        JsonNode metadata = JsonNode.Parse(await Http.GetStringAsync($"/v2/models/{model}"))!;
        string datatype = (string)metadata["inputs"]![0]!["datatype"]!;
        (HttpStatusCode status, JsonNode? body) = await PostAsync($"/v2/models/{model}/infer",
            $$"""{"inputs":[{"name":"x","shape":[2,3],"datatype":"{{datatype}}","data":{{data}}}]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonNode output = body!["outputs"]![0]!;
        Assert.Equal(datatype, (string?)output["datatype"]);
        Assert.Equal("[2,3]", output["shape"]!.ToJsonString());
        Assert.Equal(data, output["data"]!.ToJsonString());

        // TF Serving: the same values as rows, answered nested.
        JsonNode rows = JsonNode.Parse(data)!;
        string instances = $"[[{string.Join(",", rows.AsArray().Take(3).Select(v => v!.ToJsonString()))}],[{string.Join(",", rows.AsArray().Skip(3).Select(v => v!.ToJsonString()))}]]";
        (status, body) = await PostAsync($"/v1/models/{model}:predict", $$"""{"instances":{{instances}}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(instances, body!["predictions"]!.ToJsonString());
    }

    [Fact]
    public async Task Kserve_json_binary_extension_and_tf_serving_agree_on_tiny()
    {
        (HttpStatusCode status, JsonNode? json) = await PostAsync("/v2/models/tiny/infer",
            $$"""{"id":"r1","inputs":[{"name":"x","shape":[2,16],"datatype":"FP32","data":{{TinyInput(2)}}}]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("r1", (string?)json!["id"]);
        float[] expected = json["outputs"]![0]!["data"]!.AsArray().Select(v => (float)v!).ToArray();

        // Nested input gives the same answer.
        float[] flat = JsonSerializer.Deserialize<float[]>(TinyInput(2))!;
        string nested = $"[[{string.Join(",", flat.Take(16))}],[{string.Join(",", flat.Skip(16))}]]";
        (_, JsonNode? fromNested) = await PostAsync("/v2/models/tiny/infer", $$"""{"inputs":[{"name":"x","shape":[2,16],"datatype":"FP32","data":{{nested}}}]}""");
        Assert.Equal(json["outputs"]!.ToJsonString(), fromNested!["outputs"]!.ToJsonString());

        // Binary tensor data extension both ways.
        byte[] header = Encoding.UTF8.GetBytes("""{"inputs":[{"name":"x","shape":[2,16],"datatype":"FP32","parameters":{"binary_data_size":128}}],"outputs":[{"name":"y","parameters":{"binary_data":true}}]}""");
        byte[] tensor = System.Runtime.InteropServices.MemoryMarshal.AsBytes(flat.AsSpan()).ToArray();
        var content = new ByteArrayContent([.. header, .. tensor]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add("Inference-Header-Content-Length", header.Length.ToString());
        using HttpResponseMessage response = await Http.PostAsync("/v2/models/tiny/infer", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        int jsonLength = int.Parse(response.Headers.GetValues("Inference-Header-Content-Length").Single());
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        JsonNode binaryHeader = JsonNode.Parse(body.AsSpan(0, jsonLength))!;
        Assert.Equal(128, (int)binaryHeader["outputs"]![0]!["parameters"]!["binary_data_size"]!);
        Assert.Equal(expected, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(body.AsSpan(jsonLength)).ToArray());

        // TF Serving row and columnar formats.
        (status, JsonNode? predict) = await PostAsync("/v1/models/tiny:predict", $$"""{"instances":{{nested}}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(expected, predict!["predictions"]!.AsArray().SelectMany(r => r!.AsArray()).Select(v => (float)v!).ToArray());
        (status, JsonNode? columnar) = await PostAsync("/v1/models/tiny/versions/1:predict", "{\"inputs\":{\"x\":" + nested + "}}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(predict["predictions"]!.ToJsonString(), columnar!["outputs"]!.ToJsonString());
    }

    [Fact]
    public async Task Odd_names_and_many_inputs_outputs_serve_through_both_apis()
    {
        JsonNode odd = JsonNode.Parse(await Http.GetStringAsync("/v2/models/odd"))!;
        string[] names = [.. odd["inputs"]!.AsArray().Select(i => (string)i!["name"]!)];
        Assert.Contains("input:0", names);
        string inputs = string.Join(",", names.Select((n, i) => $$$"""{"name":{{{JsonSerializer.Serialize(n)}}},"shape":[1,2],"datatype":"FP32","data":[{{{i}}},{{{i + 0.5}}}]}"""));
        (HttpStatusCode status, JsonNode? body) = await PostAsync("/v2/models/odd/infer", $$"""{"inputs":[{{inputs}}]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(names.Length, body!["outputs"]!.AsArray().Count);
        Assert.Equal("[0,0.5]", body["outputs"]![0]!["data"]!.ToJsonString());

        JsonNode many = JsonNode.Parse(await Http.GetStringAsync("/v2/models/many"))!;
        var instance = new JsonObject();
        var kserveInputs = new JsonArray();
        foreach (JsonNode? input in many["inputs"]!.AsArray())
        {
            string type = (string)input!["datatype"]!;
            JsonNode value = type == "BOOL" ? new JsonArray(true, false) : new JsonArray(1, 2);
            instance[(string)input["name"]!] = value.DeepClone();
            kserveInputs.Add(new JsonObject { ["name"] = (string)input["name"]!, ["shape"] = new JsonArray(1, 2), ["datatype"] = type, ["data"] = value });
        }

        (status, body) = await PostAsync("/v1/models/many:predict", new JsonObject { ["instances"] = new JsonArray(instance) }.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(12, body!["predictions"]![0]!.AsObject().Count);
        (status, body) = await PostAsync("/v2/models/many/infer", new JsonObject { ["inputs"] = kserveInputs }.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(12, body!["outputs"]!.AsArray().Count);
        Assert.All(body["outputs"]!.AsArray(), o => Assert.Contains(o!["data"]!.ToJsonString(), new[] { "[1,2]", "[true,false]" }));
    }

    [Theory]
    [InlineData("""{"inputs":[{"name":"x","shape":[1,16],"datatype":"INT64","data":[1]}]}""", "expects datatype FP32 but got INT64")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1,15],"datatype":"FP32","data":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15]}]}""", "expects [batch, 16]")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1,16],"datatype":"FP32","data":[1,2]}]}""", "has 2 values but its shape needs 16")]
    [InlineData("""{"inputs":[{"name":"nope","shape":[1,16],"datatype":"FP32","data":[1]}]}""", "no input named 'nope'")]
    [InlineData("""{"inputs":[{"name":"x","shape":[99999999999,99999999999],"datatype":"FP32","data":[1]}]}""", "cannot hold that many")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1,16],"datatype":"FP32","data":[1,2""", "Malformed JSON")]
    [InlineData("not json", "Malformed JSON")]
    [InlineData("""{"outputs":[]}""", "no 'inputs'")]
    [InlineData("""{"inputs":[{"name":"x","shape":[1,16],"datatype":"FP32","data":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]}],"outputs":[{"name":"zz"}]}""", "no output named 'zz'")]
    public async Task Bad_input_is_400_with_a_json_error_and_the_server_keeps_serving(string body, string expected)
    {
        (HttpStatusCode status, JsonNode? error) = await PostAsync("/v2/models/tiny/infer", body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, (string)error!["error"]!);
        (status, _) = await PostAsync("/v2/models/tiny/infer", $$"""{"inputs":[{"name":"x","shape":[1,16],"datatype":"FP32","data":{{TinyInput(1)}}}]}""");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Unknown_models_are_404_and_oversized_bodies_413()
    {
        (HttpStatusCode status, JsonNode? error) = await PostAsync("/v2/models/nope/infer", "{}");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("Unknown model 'nope'", (string)error!["error"]!);
        (status, error) = await PostAsync("/v1/models/tiny:predict", $$"""{"instances":[{{new string(' ', 2 << 20)}}]}""");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Contains("--max-payload-bytes", (string)error!["error"]!);
    }
}
