using System.Buffers;
using System.Runtime.InteropServices;
using System.Text.Json;
using Aot.Protocol;

namespace Aot.LoadGen.Workloads;

/// <summary>Writes the JSON request bodies: the two tensor formats from the same tensors, and TEI's <c>/embed</c>.</summary>
internal static class JsonBodies
{
    /// <summary>KServe V2: <c>{"inputs":[{"name","shape","datatype","data"}]}</c>, flat data.</summary>
    public static byte[] KServe(IReadOnlyList<TensorData> inputs) => Write(json =>
    {
        json.WriteStartObject();
        json.WriteStartArray("inputs");
        foreach (TensorData input in inputs)
        {
            json.WriteStartObject();
            json.WriteString("name", input.Name);
            WriteShape(json, input);
            json.WriteString("datatype", input.KServeDataType);
            WriteData(json, input);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });

    /// <summary>The peer format: <c>{"inputs":{"NAME":{"datatype","shape","data"}}}</c>, flat data.</summary>
    public static byte[] Peer(IReadOnlyList<TensorData> inputs) => Write(json =>
    {
        json.WriteStartObject();
        json.WriteStartObject("inputs");
        foreach (TensorData input in inputs)
        {
            json.WriteStartObject(input.Name);
            json.WriteString("datatype", input.KServeDataType);
            WriteShape(json, input);
            WriteData(json, input);
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    });

    /// <summary>
    /// TEI's <c>POST /embed</c>: <c>{"inputs":"text","normalize":true}</c> for one text, <c>{"inputs":["t1",...],...}</c>
    /// for several.
    /// </summary>
    public static byte[] Embed(IReadOnlyList<string> texts) => Write(json =>
    {
        ArgumentOutOfRangeException.ThrowIfZero(texts.Count);
        json.WriteStartObject();
        if (texts.Count == 1)
        {
            json.WriteString("inputs", texts[0]);
        }
        else
        {
            json.WriteStartArray("inputs");
            foreach (string text in texts)
            {
                json.WriteStringValue(text);
            }

            json.WriteEndArray();
        }

        json.WriteBoolean("normalize", true);
        json.WriteEndObject();
    });

    private static void WriteShape(Utf8JsonWriter json, TensorData input)
    {
        json.WriteStartArray("shape");
        foreach (long dimension in input.Shape)
        {
            json.WriteNumberValue(dimension);
        }

        json.WriteEndArray();
    }

    private static void WriteData(Utf8JsonWriter json, TensorData input)
    {
        json.WriteStartArray("data");
        switch (input.DataType)
        {
            case ElementType.Float:
                foreach (float value in MemoryMarshal.Cast<byte, float>(input.Bytes))
                {
                    json.WriteNumberValue(value);
                }

                break;
            case ElementType.Int64:
                foreach (long value in MemoryMarshal.Cast<byte, long>(input.Bytes))
                {
                    json.WriteNumberValue(value);
                }

                break;
            default:
                throw new NotSupportedException($"Workloads use FP32 and INT64 tensors only, not {input.DataType}.");
        }

        json.WriteEndArray();
    }

    private static byte[] Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            write(json);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
