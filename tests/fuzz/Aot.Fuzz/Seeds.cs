using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Aot.Models;
using Aot.Protocol;
using Aot.Protocol.Wire;
using Aot.Server.Models;

namespace Aot.Fuzz;

/// <summary>
/// Writes the request targets' seed inputs: for every fuzz model, a valid request in each wire format (binary frame,
/// KServe JSON, KServe with binary tensors, TF Serving rows and columns), built from the model's signature so the
/// seeds stay valid when a fixture changes. <c>Aot.Fuzz --write-seeds tests/fuzz/corpus</c>; the text, ONNX and
/// config seeds are hand-written files next to them.
/// </summary>
internal static class Seeds
{
    public static void Write(string corpus)
    {
        var frames = new List<byte[]>();
        foreach (ServedModel model in FuzzModels.Tensors.All)
        {
            ServingTensor[] inputs = model.Signature.Inputs;
            long[][] shapes = [.. inputs.Select(static i => i.Dims.Select(static (d, n) => d.IsFixed ? d.Value : n == 0 ? 1L : 2L).ToArray())];
            byte[][] data = [.. inputs.Select((input, i) => TensorBytes(input, shapes[i]))];
            byte[] infer = Frame(FrameType.InferRequest, 1, InferPayload(model, shapes, data));
            frames.Add(infer);
            Save(corpus, "binary-frame", $"infer-{model.Name}", [7, .. infer]);

            string json = KServeJson(model, shapes, binary: false);
            Save(corpus, "kserve-json", $"{model.Name}.json", Encoding.UTF8.GetBytes(json));
            string header = KServeJson(model, shapes, binary: true);
            byte[] binaryBody = [.. Encoding.ASCII.GetBytes($"{Encoding.UTF8.GetByteCount(header)}\n{header}"), .. data.SelectMany(static d => d)];
            Save(corpus, "kserve-json", $"{model.Name}-binary", binaryBody);
            Save(corpus, "tfserving-json", $"{model.Name}-rows.json", Encoding.UTF8.GetBytes(TfServingJson(model, shapes, rows: true)));
            Save(corpus, "tfserving-json", $"{model.Name}-columns.json", Encoding.UTF8.GetBytes(TfServingJson(model, shapes, rows: false)));
        }

        byte[] serverMetadata = Frame(FrameType.MetadataRequest, 2, [0, 0]);
        byte[] modelMetadata = Frame(FrameType.MetadataRequest, 3, [.. Name("bert-tiny"), .. new byte[8]]);
        byte[] ping = Frame(FrameType.Ping, 4, "ping"u8.ToArray());
        // A pipelining client: several frames back to back, read in 1-byte and 256-byte segments.
        Save(corpus, "binary-frame", "pipelined-1", [0, .. ping, .. frames[0], .. modelMetadata, .. frames[^1], .. serverMetadata]);
        Save(corpus, "binary-frame", "pipelined-256", [255, .. frames.SelectMany(static f => f), .. ping]);
    }

    private static void Save(string corpus, string target, string name, byte[] bytes)
    {
        string folder = Path.Combine(corpus, target);
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, name), bytes);
    }

    private static byte[] TensorBytes(ServingTensor input, long[] shape)
    {
        long count = shape.Aggregate(1L, static (a, b) => a * b);
        if (input.IsString)
        {
            return [.. Enumerable.Range(0, (int)count).SelectMany(static i => (byte[])[2, 0, 0, 0, (byte)'h', (byte)('a' + i)])];
        }

        // Small valid values of every type: 1 in the lowest byte (a token id 1, true, a denormal float).
        byte[] bytes = new byte[count * input.ElementSize];
        for (int i = 0; i < bytes.Length; i += input.ElementSize)
        {
            bytes[i] = 1;
        }

        return bytes;
    }

    private static byte[] InferPayload(ServedModel model, long[][] shapes, byte[][] data)
    {
        var payload = new List<byte>();
        payload.AddRange(Name(model.Name));
        payload.AddRange(Int64(0)); // latest version
        payload.AddRange(new byte[4]); // no timeout
        payload.AddRange(UInt16(model.Signature.Inputs.Length));
        for (int i = 0; i < shapes.Length; i++)
        {
            ServingTensor input = model.Signature.Inputs[i];
            payload.AddRange(Name(input.Name));
            payload.Add((byte)input.ElementType);
            payload.Add((byte)shapes[i].Length);
            foreach (long d in shapes[i])
            {
                payload.AddRange(Int64(d));
            }

            payload.AddRange(Int64(data[i].Length));
            payload.AddRange(data[i]);
        }

        payload.AddRange(UInt16(1));
        payload.AddRange(Name(model.Signature.Outputs[0].Name));
        return [.. payload];
    }

    private static byte[] Frame(FrameType type, ulong id, byte[] payload)
    {
        byte[] frame = new byte[FrameHeader.Size + payload.Length];
        new FrameHeader((uint)payload.Length, type, id).Write(frame);
        payload.CopyTo(frame, FrameHeader.Size);
        return frame;
    }

    private static byte[] Name(string name) => [.. UInt16(Encoding.UTF8.GetByteCount(name)), .. Encoding.UTF8.GetBytes(name)];

    private static byte[] UInt16(int value)
    {
        byte[] bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)value);
        return bytes;
    }

    private static byte[] Int64(long value)
    {
        byte[] bytes = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        return bytes;
    }

    private static string KServeJson(ServedModel model, long[][] shapes, bool binary)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("id", "seed");
            json.WriteStartArray("inputs");
            for (int i = 0; i < shapes.Length; i++)
            {
                ServingTensor input = model.Signature.Inputs[i];
                json.WriteStartObject();
                json.WriteString("name", input.Name);
                json.WriteStartArray("shape");
                foreach (long d in shapes[i])
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteString("datatype", input.DataTypeName);
                if (binary)
                {
                    json.WriteStartObject("parameters");
                    json.WriteNumber("binary_data_size", TensorBytes(input, shapes[i]).Length);
                    json.WriteEndObject();
                }
                else
                {
                    json.WritePropertyName("data");
                    WriteValues(json, input, shapes[i].Aggregate(1L, static (a, b) => a * b));
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("outputs");
            json.WriteStartObject();
            json.WriteString("name", model.Signature.Outputs[0].Name);
            json.WriteStartObject("parameters");
            json.WriteBoolean("binary_data", binary);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string TfServingJson(ServedModel model, long[][] shapes, bool rows)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WritePropertyName(rows ? "instances" : "inputs");
            if (rows)
            {
                json.WriteStartArray();
                json.WriteStartObject();
            }
            else
            {
                json.WriteStartObject();
            }

            for (int i = 0; i < shapes.Length; i++)
            {
                ServingTensor input = model.Signature.Inputs[i];
                json.WritePropertyName(input.Name);
                // A row drops the batch dimension; columns keep every dimension, nested.
                WriteNested(json, input, rows && model.Signature.IsBatchable ? shapes[i][1..] : shapes[i]);
            }

            json.WriteEndObject();
            if (rows)
            {
                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteNested(Utf8JsonWriter json, ServingTensor input, ReadOnlySpan<long> shape)
    {
        if (shape.IsEmpty)
        {
            WriteValue(json, input, 0);
            return;
        }

        json.WriteStartArray();
        for (long i = 0; i < shape[0]; i++)
        {
            WriteNested(json, input, shape[1..]);
        }

        json.WriteEndArray();
    }

    private static void WriteValues(Utf8JsonWriter json, ServingTensor input, long count)
    {
        json.WriteStartArray();
        for (long i = 0; i < count; i++)
        {
            WriteValue(json, input, i);
        }

        json.WriteEndArray();
    }

    private static void WriteValue(Utf8JsonWriter json, ServingTensor input, long i)
    {
        switch (input.ElementType)
        {
            case ElementType.String:
                json.WriteStringValue($"h{(char)('a' + i)}");
                break;
            case ElementType.Bool:
                json.WriteBooleanValue(i % 2 == 0);
                break;
            case ElementType.Float or ElementType.Double or ElementType.Float16 or ElementType.BFloat16:
                json.WriteNumberValue(0.5 + i);
                break;
            default:
                json.WriteNumberValue(1 + i);
                break;
        }
    }
}
