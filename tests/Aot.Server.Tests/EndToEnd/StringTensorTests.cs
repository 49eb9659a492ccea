using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Aot.Client;
using Aot.Protocol;

namespace Aot.Server.Tests.EndToEnd;

/// <summary>String (BYTES) tensors through every API, on the <c>identity-string</c> fixture (x, y: string [batch, 3]).</summary>
public sealed class StringTensorTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private const string Model = "id-string";

    private static readonly string[] Values = ["a", "ünïcødé ✓", "", "with \"quotes\" and \\", "tab\tnew\nline", "🙂 emoji"];

    private HttpClient Http => fixture.Server.Http;

    private static string JsonArray(IEnumerable<string> values) => new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]).ToJsonString();

    private static byte[] Encode(IEnumerable<string> values)
    {
        var bytes = new List<byte>();
        foreach (string value in values)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(value);
            byte[] length = new byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)utf8.Length);
            bytes.AddRange(length);
            bytes.AddRange(utf8);
        }

        return [.. bytes];
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string path, string json)
    {
        using HttpResponseMessage response = await Http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync()));
    }

    [Fact]
    public async Task Metadata_says_bytes()
    {
        JsonNode metadata = JsonNode.Parse(await Http.GetStringAsync($"/v2/models/{Model}"))!;
        Assert.Equal("BYTES", (string?)metadata["inputs"]![0]!["datatype"]);
        Assert.Equal("BYTES", (string?)metadata["outputs"]![0]!["datatype"]);
    }

    [Fact]
    public async Task Kserve_json_strings_round_trip_flat_and_nested()
    {
        (HttpStatusCode status, JsonNode? body) = await PostAsync($"/v2/models/{Model}/infer",
            $$"""{"inputs":[{"name":"x","shape":[2,3],"datatype":"BYTES","data":{{JsonArray(Values)}}}]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        JsonNode output = body!["outputs"]![0]!;
        Assert.Equal("BYTES", (string?)output["datatype"]);
        Assert.Equal("[2,3]", output["shape"]!.ToJsonString());
        Assert.Equal(Values, output["data"]!.AsArray().Select(v => (string)v!));

        string nested = $"[{JsonArray(Values.Take(3))},{JsonArray(Values.Skip(3))}]";
        (status, body) = await PostAsync($"/v2/models/{Model}/infer", $$"""{"inputs":[{"name":"x","shape":[2,3],"datatype":"BYTES","data":{{nested}}}]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Values, body!["outputs"]![0]!["data"]!.AsArray().Select(v => (string)v!));
    }

    [Fact]
    public async Task Kserve_binary_extension_carries_length_prefixed_strings_both_ways()
    {
        byte[] data = Encode(Values);
        string header = $$$"""{"inputs":[{"name":"x","shape":[2,3],"datatype":"BYTES","parameters":{"binary_data_size":{{{data.Length}}}}}],"outputs":[{"name":"y","parameters":{"binary_data":true}}]}""";
        byte[] headerBytes = Encoding.UTF8.GetBytes(header);
        var content = new ByteArrayContent([.. headerBytes, .. data]);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        content.Headers.Add("Inference-Header-Content-Length", headerBytes.Length.ToString());
        using HttpResponseMessage response = await Http.PostAsync($"/v2/models/{Model}/infer", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        int jsonLength = int.Parse(response.Headers.GetValues("Inference-Header-Content-Length").Single());
        byte[] body = await response.Content.ReadAsByteArrayAsync();
        JsonNode json = JsonNode.Parse(body.AsSpan(0, jsonLength))!;
        JsonNode output = json["outputs"]![0]!;
        Assert.Equal("BYTES", (string?)output["datatype"]);
        Assert.Equal(data.Length, (int)output["parameters"]!["binary_data_size"]!);
        Assert.Equal(data, body[jsonLength..]);
    }

    [Fact]
    public async Task Tf_serving_rows_columns_and_b64()
    {
        string rows = $"[{JsonArray(Values.Take(3))},{JsonArray(Values.Skip(3))}]";
        (HttpStatusCode status, JsonNode? body) = await PostAsync($"/v1/models/{Model}:predict", $$"""{"instances":{{rows}}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonNode.Parse(rows)!.ToJsonString(), body!["predictions"]!.ToJsonString());

        (status, body) = await PostAsync($"/v1/models/{Model}:predict", $$$"""{"inputs":{"x":{{{rows}}}}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(JsonNode.Parse(rows)!.ToJsonString(), body!["outputs"]!.ToJsonString());

        // TF Serving's binary form: {"b64": base64}.
        string b64 = Convert.ToBase64String(Encoding.UTF8.GetBytes("héllo"));
        (status, body) = await PostAsync($"/v1/models/{Model}:predict", $$"""{"instances":[[{"b64":"{{b64}}"},"x","y"]]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""[["héllo","x","y"]]""", body!["predictions"]!.ToJsonString(new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }));
    }

    [Fact]
    public async Task Binary_protocol_strings_round_trip_and_batch_per_request()
    {
        await using AotClient client = await AotClient.ConnectAsync("127.0.0.1", fixture.Server.Port);
        string[][] requests = [.. Enumerable.Range(0, 24).Select(i => Enumerable.Range(0, 3).Select(j => $"r{i}-e{j}-{new string('x', (i * 7 + j) % 40)}").ToArray())];
        Task<InferResult>[] calls = [.. requests.Select(values => client.InferAsync(Model, [InputTensor.FromStrings("x", [values.Length / 3, 3], values)]))];
        InferResult[] results = await Task.WhenAll(calls);
        for (int i = 0; i < requests.Length; i++)
        {
            OutputTensor y = results[i]["y"];
            Assert.Equal(ElementType.String, y.DataType);
            Assert.Equal(new long[] { requests[i].Length / 3, 3 }, y.Shape);
            Assert.Equal(requests[i], y.ToStrings());
            results[i].Dispose();
        }

        string metrics = await Http.GetStringAsync("/metrics");
        long Bucket(string le) => long.Parse(metrics.Split('\n').Single(l => l.StartsWith($"aot_batch_size_bucket{{model=\"{Model}\",version=\"1\",le=\"{le}\"}}", StringComparison.Ordinal)).Split(' ')[1]);
        Assert.True(Bucket("+Inf") > Bucket("1"), "no string batch of more than one row:\n" + metrics);

        using InferResult unicode = await client.InferAsync(Model, [InputTensor.FromStrings("x", [2, 3], Values)]);
        Assert.Equal(Values, unicode["y"].ToStrings());
    }

    [Fact]
    public async Task Bad_string_input_is_a_400_naming_the_input()
    {
        (HttpStatusCode status, JsonNode? body) = await PostAsync($"/v2/models/{Model}/infer", """{"inputs":[{"name":"x","shape":[1,3],"datatype":"BYTES","data":["a","b"]}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("'x'", (string?)body!["error"]);
        (status, body) = await PostAsync($"/v2/models/{Model}/infer", """{"inputs":[{"name":"x","shape":[1,3],"datatype":"BYTES","data":[1,2,3]}]}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("BYTES", (string?)body!["error"]);

        await using AotClient client = await AotClient.ConnectAsync("127.0.0.1", fixture.Server.Port);
        byte[] truncated = [.. Encode(["a", "b"]), 9, 0, 0, 0, (byte)'c'];
        var malformed = await Assert.ThrowsAsync<AotServerException>(() => client.InferAsync(Model, [new InputTensor("x", ElementType.String, [1, 3], truncated)]));
        Assert.Equal(ErrorCode.BadRequest, malformed.Code);
        Assert.Contains("malformed", malformed.ServerMessage);
        byte[] notUtf8 = [.. Encode(["a", "b"]), 1, 0, 0, 0, 0xFF];
        var invalid = await Assert.ThrowsAsync<AotServerException>(() => client.InferAsync(Model, [new InputTensor("x", ElementType.String, [1, 3], notUtf8)]));
        Assert.Contains("UTF-8", invalid.ServerMessage);
        var count = await Assert.ThrowsAsync<AotServerException>(() => client.InferAsync(Model, [InputTensor.FromStrings("x", [2, 3], ["a"])]));
        Assert.Contains("needs 6", count.ServerMessage);

        using InferResult ok = await client.InferAsync(Model, [InputTensor.FromStrings("x", [1, 3], ["still", "serving", "!"])]);
        Assert.Equal(["still", "serving", "!"], ok["y"].ToStrings());
    }
}
