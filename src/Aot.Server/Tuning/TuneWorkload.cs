using System.Globalization;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Aot.Client;
using Aot.Protocol;

namespace Aot.Server.Tuning;

/// <summary>
/// What each simulated client sends: one request of fixed tensors over the binary protocol (<see cref="AotClient"/>, what
/// bench/Aot.LoadGen uses), or one text of a file per request to <c>/embed</c> over HTTP.
/// </summary>
internal abstract class TuneWorkload
{
    public abstract string Describe();

    /// <summary>A client of its own (one connection) that sends one request per call.</summary>
    public abstract Task<ILoadClient> ConnectAsync(int binaryPort, int httpPort, int clientIndex, CancellationToken cancellationToken);

    /// <summary>
    /// Tensors for <paramref name="model"/>'s inputs from its KServe metadata and the <c>--shape NAME=DIMS</c> given:
    /// a fixed dimension as the model has it; a dynamic one from the shape given, else dimension 0 is 1 and any other is
    /// taken from a given input of the same rank. Floats are seeded random in [-1, 1); integers are 1 (a valid token id,
    /// mask and segment for text models); the values do not change the cost of a run.
    /// </summary>
    public static TuneWorkload Tensors(string model, string metadataJson, IReadOnlyDictionary<string, long[]> shapes)
    {
        using JsonDocument document = JsonDocument.Parse(metadataJson);
        var inputs = new List<(string Name, ElementType Type, long[] Dims)>();
        foreach (JsonElement input in document.RootElement.GetProperty("inputs").EnumerateArray())
        {
            string name = input.GetProperty("name").GetString()!;
            string datatype = input.GetProperty("datatype").GetString()!;
            if (!ElementTypes.TryParseKServeName(datatype, out ElementType type) || type == ElementType.String)
            {
                throw new FormatException($"Input '{name}' of '{model}' is {datatype}: aot tune sends numeric tensors only (give --texts FILE for a text model).");
            }

            inputs.Add((name, type, [.. input.GetProperty("shape").EnumerateArray().Select(static d => d.GetInt64())]));
        }

        foreach (string unknown in shapes.Keys.Where(k => inputs.All(i => i.Name != k)))
        {
            throw new FormatException($"--shape {unknown}: '{model}' has no input of that name; inputs: {string.Join(", ", inputs.Select(static i => i.Name))}.");
        }

        var random = new Random(20261204);
        var tensors = new List<InputTensor>();
        foreach ((string name, ElementType type, long[] dims) in inputs)
        {
            long[] shape = shapes.TryGetValue(name, out long[]? given) ? given : Resolve(name, dims, inputs, shapes);
            if (shape.Length != dims.Length || shape.Where((d, i) => dims[i] >= 0 && d != dims[i]).Any())
            {
                throw new FormatException($"--shape {name}={string.Join(",", shape)} does not fit the model's shape [{string.Join(", ", dims)}] (-1: any size).");
            }

            tensors.Add(Fill(name, type, shape, random));
        }

        string description = string.Join(", ", tensors.Select(static t => $"{t.Name} {ElementTypes.ToKServeName(t.DataType)}[{string.Join(",", t.Shape)}]"));
        return new BinaryWorkload(model, [.. tensors], description);
    }

    /// <summary>One line of <paramref name="texts"/> per request, each client starting at its own line.</summary>
    public static TuneWorkload Texts(string model, IReadOnlyList<string> texts) =>
        texts.Count == 0 ? throw new FormatException("--texts: the file holds no non-empty line.") : new TextWorkload(model, texts);

    private static long[] Resolve(string name, long[] dims, List<(string Name, ElementType Type, long[] Dims)> inputs, IReadOnlyDictionary<string, long[]> shapes)
    {
        long[] shape = new long[dims.Length];
        for (int d = 0; d < dims.Length; d++)
        {
            if (dims[d] >= 0)
            {
                shape[d] = dims[d];
                continue;
            }

            if (d == 0)
            {
                shape[d] = 1;
                continue;
            }

            long[]? like = inputs.Where(i => i.Dims.Length == dims.Length && shapes.ContainsKey(i.Name)).Select(i => shapes[i.Name]).FirstOrDefault();
            shape[d] = like?[d] ?? throw new FormatException($"Input '{name}' has a dynamic dimension {d} [{string.Join(", ", dims)}]: give --shape {name}=DIMS (for example --shape {name}=1,16).");
        }

        return shape;
    }

    private static InputTensor Fill(string name, ElementType type, long[] shape, Random random)
    {
        long elements = shape.Aggregate(1L, static (a, b) => a * b);
        byte[] data = new byte[checked(elements * ElementTypes.SizeOf(type))];
        switch (type)
        {
            case ElementType.Float:
                Span<float> floats = MemoryMarshal.Cast<byte, float>(data.AsSpan());
                for (int i = 0; i < floats.Length; i++)
                {
                    floats[i] = (random.NextSingle() * 2) - 1;
                }

                break;
            case ElementType.Int64:
                MemoryMarshal.Cast<byte, long>(data.AsSpan()).Fill(1);
                break;
            case ElementType.Int32:
                MemoryMarshal.Cast<byte, int>(data.AsSpan()).Fill(1);
                break;
            case ElementType.Double:
                Span<double> doubles = MemoryMarshal.Cast<byte, double>(data.AsSpan());
                for (int i = 0; i < doubles.Length; i++)
                {
                    doubles[i] = (random.NextDouble() * 2) - 1;
                }

                break;
            default:
                // Other types: one in the lowest byte of each element (a valid, non-zero value of every integer type and bool).
                int size = ElementTypes.SizeOf(type);
                for (int i = 0; i < data.Length; i += size)
                {
                    data[i] = 1;
                }

                break;
        }

        return new InputTensor(name, type, shape, data);
    }

    /// <summary>Parses <c>NAME=D0,D1,...</c> (or D0xD1x...).</summary>
    public static (string Name, long[] Dims) ParseShape(string spec)
    {
        int equals = spec.IndexOf('=', StringComparison.Ordinal);
        string[] parts = equals > 0 ? spec[(equals + 1)..].Split([',', 'x'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [];
        long[] dims = new long[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out dims[i]) || dims[i] < 1)
            {
                parts = [];
                break;
            }
        }

        return equals <= 0 || parts.Length == 0
            ? throw new FormatException($"--shape '{spec}' is not NAME=DIMS with positive sizes (for example --shape input_ids=1,16).")
            : (spec[..equals].Trim(), dims);
    }

    private sealed class BinaryWorkload(string model, InputTensor[] inputs, string description) : TuneWorkload
    {
        public override string Describe() => $"binary protocol: {description}";

        public override async Task<ILoadClient> ConnectAsync(int binaryPort, int httpPort, int clientIndex, CancellationToken cancellationToken) =>
            new BinaryClient(await AotClient.ConnectAsync("127.0.0.1", binaryPort, cancellationToken).ConfigureAwait(false), model, inputs);
    }

    private sealed class BinaryClient(AotClient client, string model, InputTensor[] inputs) : ILoadClient
    {
        public async Task SendAsync(CancellationToken cancellationToken)
        {
            using InferResult result = await client.InferAsync(model, inputs, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        public ValueTask DisposeAsync() => client.DisposeAsync();
    }

    private sealed class TextWorkload(string model, IReadOnlyList<string> texts) : TuneWorkload
    {
        private readonly byte[][] _bodies = [.. texts.Select(Body)];

        public override string Describe() => $"POST /models/{model}/embed, one text per request ({texts.Count} texts)";

        public override Task<ILoadClient> ConnectAsync(int binaryPort, int httpPort, int clientIndex, CancellationToken cancellationToken)
        {
            var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = new Uri($"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}") };
            return Task.FromResult<ILoadClient>(new TextClient(http, $"/models/{model}/embed", _bodies, clientIndex));
        }

        private static byte[] Body(string text)
        {
            using var stream = new MemoryStream();
            using (var json = new Utf8JsonWriter(stream))
            {
                json.WriteStartObject();
                json.WriteString("inputs", text);
                json.WriteEndObject();
            }

            return stream.ToArray();
        }
    }

    private sealed class TextClient(HttpClient http, string path, byte[][] bodies, int next) : ILoadClient
    {
        public async Task SendAsync(CancellationToken cancellationToken)
        {
            using var content = new ByteArrayContent(bodies[next++ % bodies.Length]);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using HttpResponseMessage response = await http.PostAsync(path, content, cancellationToken).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"{path} answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false))}");
            }
        }

        public ValueTask DisposeAsync()
        {
            http.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

/// <summary>One simulated client: one connection, one request in flight at a time.</summary>
internal interface ILoadClient : IAsyncDisposable
{
    Task SendAsync(CancellationToken cancellationToken);
}
